/** A feed file that is not what its format says: the whole file is rejected, nothing is loaded. */
export class FeedFormatError extends Error {
  constructor(
    readonly feed: string,
    message: string,
  ) {
    super(`${feed}: ${message}`);
    this.name = 'FeedFormatError';
  }
}
