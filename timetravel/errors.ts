/**
 * A time-travel query the user can fix: an entity name, a bisect expression, a debugger
 * command's argument. Its message reads on its own; the CLI prints it and exits 2.
 */
export class QueryError extends Error {}
