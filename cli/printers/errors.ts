/**
 * The error printers throw.
 *
 * @module
 */

/**
 * A printing failure with kubectl's wording, without the `error: ` prefix kubectl writes in
 * front of it (e.g. `unable to match a printer suitable for the output format "foo", …`).
 */
export class PrintError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "PrintError";
  }
}
