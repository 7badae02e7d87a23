export { DomainError, type ErrorCode, errorStatus } from '../shared/errors.js';
