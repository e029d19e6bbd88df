/** Errors the command line reports without a stack trace. */

/** Exit code: nothing changed (diff), allowed (explain), done (analyze). */
export const EXIT_OK = 0;
/** Exit code: changes found (diff, or changes of the `--fail-on` categories), or the connection is denied (explain). */
export const EXIT_CHANGES = 1;
/** Exit code: bad usage, unreadable or invalid input. */
export const EXIT_ERROR = 2;

/**
 * An error in what the user gave the command (arguments, files, YAML): printed as one message,
 * never with a stack trace, and the command exits with {@link EXIT_ERROR}.
 */
export class CliError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
