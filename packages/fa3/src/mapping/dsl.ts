/**
 * The mapping DSL: one declaration per FA(3) element gives the zod schema of the model (English names, types
 * inferred), the XML plan (schema names, XSD order) and the model's fast check (`check.ts`). The DSL is the only
 * place that knows how the three are joined (fields in `field.ts`, objects and choices in `objects.ts`); the model
 * files under `../model` are the mapping table itself.
 *
 * @module
 */
export { attr, el, Field, Fixed, fixed, flag, type Shape, type ValueType, valueType, Wrapped, wrap } from './field.ts'
export {
  type ChoiceZod,
  child,
  choice,
  group,
  type Node,
  type ObjectRules,
  type ObjectZod,
  obj,
  tags,
  type VariantSpec,
  type ZodShape,
} from './objects.ts'
