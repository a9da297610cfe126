/**
 * The simulator's errors: {@link ApiError} and how it is rendered.
 *
 * @module
 */
export { ApiError, type ApiErrorKind, type ExceptionEntry } from './api-error.ts'
export { EXCEPTION_CODES, type ExceptionCode, type ForbiddenReason } from './codes.ts'
export { type ErrorAnswer, renderApiError, wantsProblemDetails } from './render.ts'
