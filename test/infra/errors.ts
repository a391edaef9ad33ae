/** A service the tests need could not be provided; the message says what to do about it. */
export class InfraError extends Error {
  override name = 'InfraError';
}
