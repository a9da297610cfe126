/**
 * The portal's property definitions and groups per object type: HubSpot's own (`catalog.ts`) plus those the
 * portal or an app created. Names are unique per type; a second create of a name is a 409.
 *
 * @module
 */
import {
  customProperty,
  DEFAULT_GROUPS,
  type PropertyDef,
  type PropertyGroupDef,
  type PropertyInput,
  type PropertyType,
  startingProperties,
} from './catalog.ts'
import { CRM_ERRORS } from './errors.ts'
import { OBJECT_TYPES, type ObjectType } from './facts.ts'

export type { PropertyInput } from './catalog.ts'

// Which field types fit a type (VERIFY: HubSpot refuses other pairs with a 400).
const FIELD_TYPES_OF: Readonly<Record<PropertyType, readonly string[]>> = {
  string: ['text', 'textarea', 'html', 'file', 'phonenumber'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  bool: ['booleancheckbox'],
  phone_number: ['phonenumber'],
}

/**
 * The property definitions of a portal.
 *
 * @example
 * ```ts
 * const schema = new Schema()
 * schema.createProperty('invoices', { name: 'ksef_number', label: 'KSeF number', type: 'string', fieldType: 'text', groupName: 'invoiceinformation' }, now)
 * ```
 */
export class Schema {
  readonly #properties = new Map<ObjectType, Map<string, PropertyDef>>()
  readonly #groups = new Map<ObjectType, Map<string, PropertyGroupDef>>()

  constructor() {
    const starting = startingProperties()
    for (const type of Object.keys(OBJECT_TYPES) as ObjectType[]) {
      this.#properties.set(type, new Map(starting[type].map((def) => [def.name, def])))
      this.#groups.set(type, new Map([[DEFAULT_GROUPS[type].name, DEFAULT_GROUPS[type]]]))
    }
  }

  property(type: ObjectType, name: string): PropertyDef | undefined {
    return this.#properties.get(type)?.get(name)
  }

  properties(type: ObjectType): PropertyDef[] {
    return [...(this.#properties.get(type)?.values() ?? [])]
  }

  group(type: ObjectType, name: string): PropertyGroupDef | undefined {
    return this.#groups.get(type)?.get(name)
  }

  groups(type: ObjectType): PropertyGroupDef[] {
    return [...(this.#groups.get(type)?.values() ?? [])]
  }

  /**
   * Creates a property.
   *
   * @throws {HubSpotError} 409 when the name exists, 400 for a bad name, group or type pair
   */
  createProperty(type: ObjectType, input: PropertyInput, now: Date): PropertyDef {
    const problems: string[] = []
    // HubSpot's internal names: lower case letters, digits and underscores, starting with a letter (VERIFY).
    if (!/^[a-z][a-z0-9_]*$/.test(input.name)) problems.push(`name "${input.name}" is not a valid internal name`)
    if (!this.group(type, input.groupName)) problems.push(`property group "${input.groupName}" does not exist`)
    if (!(FIELD_TYPES_OF[input.type] ?? []).includes(input.fieldType)) {
      problems.push(`fieldType "${input.fieldType}" does not fit type "${input.type}"`)
    }
    if (input.type === 'enumeration' && (input.options ?? []).length === 0 && input.fieldType !== 'booleancheckbox') {
      problems.push('an enumeration needs options')
    }
    if (this.property(type, input.name)) throw CRM_ERRORS.propertyExists(input.name)
    if (problems.length > 0) {
      throw CRM_ERRORS.invalid(
        `Invalid property: ${problems.join('; ')}`,
        problems.map((message) => ({ message, in: 'body' })),
      )
    }
    const def = customProperty(input, now)
    this.#properties.get(type)?.set(def.name, def)
    return def
  }

  /**
   * Creates a group.
   *
   * @throws {HubSpotError} 409 when the name exists, 400 for a bad name
   */
  createGroup(type: ObjectType, input: { name: string; label: string; displayOrder?: number }): PropertyGroupDef {
    if (this.group(type, input.name)) throw CRM_ERRORS.groupExists(input.name)
    if (!/^[a-z][a-z0-9_]*$/.test(input.name)) {
      throw CRM_ERRORS.invalid(`Invalid property group: name "${input.name}" is not a valid internal name`)
    }
    const group: PropertyGroupDef = { name: input.name, label: input.label, displayOrder: input.displayOrder ?? -1 }
    this.#groups.get(type)?.set(group.name, group)
    return group
  }
}

/**
 * A property as the API answers it [I `Property`].
 *
 * @example
 * ```ts
 * propertyJson(schema.property('invoices', 'hs_number')!)
 * ```
 */
export function propertyJson(def: PropertyDef): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    description: def.description,
    groupName: def.groupName,
    options: def.options,
    displayOrder: def.displayOrder,
    calculated: def.calculated,
    externalOptions: false,
    hasUniqueValue: def.hasUniqueValue,
    hidden: false,
    hubspotDefined: def.hubspotDefined,
    modificationMetadata: {
      archivable: !def.hubspotDefined,
      readOnlyDefinition: def.hubspotDefined,
      readOnlyValue: def.readOnlyValue,
    },
    formField: !def.hubspotDefined,
    dataSensitivity: 'non_sensitive',
    createdAt: def.createdAt,
    updatedAt: def.createdAt,
    archived: false,
  }
}

/**
 * A group as the API answers it [I `PropertyGroup`].
 *
 * @example
 * ```ts
 * groupJson(schema.group('invoices', 'invoiceinformation')!)
 * ```
 */
export function groupJson(group: PropertyGroupDef): Record<string, unknown> {
  return { name: group.name, label: group.label, displayOrder: group.displayOrder, archived: false }
}
