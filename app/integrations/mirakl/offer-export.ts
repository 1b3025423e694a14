import { TokenParser, Tokenizer, TokenType } from "@streamparser/json";
import { MiraklInvalidResponseError, type MiraklErrorDetails } from "./errors";
import { miraklExportedOfferSchema, type MiraklExportedOffer } from "./schemas";

/**
 * The offers of one OF54 chunk of a JSON export (OF52 `export_type: application/json`): a JSON array of offers, which
 * Mirakl cuts at up to 1,000,000 offers or 1 GB a chunk. It is parsed as its bytes arrive, with a streaming parser,
 * and each offer is handed over (validated) as soon as it is complete: only the offers the caller keeps are in memory,
 * never the chunk. A body that is not one JSON array of offers ends the reading with a MiraklInvalidResponseError
 * naming what is wrong (and, for an offer, its index); the offers before it have been handed over already.
 */
export async function* parseOfferExportChunk(
  chunks: AsyncIterable<Uint8Array>,
  details: MiraklErrorDetails,
): AsyncGenerator<MiraklExportedOffer> {
  const invalid = (issue: string) => new MiraklInvalidResponseError({ ...details, issues: [issue] });
  const tokenizer = new Tokenizer();
  // keepStack false: an offer handed over is dropped from the array being parsed, so memory stays flat.
  const parser = new TokenParser({ paths: ["$.*"], keepStack: false });
  let started = false;
  tokenizer.onToken = (token) => {
    if (!started) {
      started = true;
      if (token.token !== TokenType.LEFT_BRACKET) throw invalid("the export chunk is not a JSON array");
    }
    parser.write(token);
  };
  let parsed: unknown[] = [];
  parser.onValue = ({ value }) => void parsed.push(value);
  const feed = (bytes: Uint8Array | null) => {
    try {
      if (bytes) tokenizer.write(bytes);
      else {
        tokenizer.end();
        if (!parser.isEnded) parser.end();
      }
    } catch (error) {
      if (error instanceof MiraklInvalidResponseError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw invalid(
        bytes
          ? `the export chunk is not valid JSON: ${reason}`
          : `the export chunk ends before its JSON does: ${reason}`,
      );
    }
  };

  let index = 0;
  function* validated() {
    const ready = parsed;
    parsed = [];
    for (const value of ready) {
      const offer = miraklExportedOfferSchema.safeParse(value);
      if (!offer.success) {
        const issue = offer.error.issues[0]!;
        throw invalid(`offer [${index}].${issue.path.join(".") || "(root)"}: ${issue.message}`);
      }
      index++;
      yield offer.data;
    }
  }

  for await (const bytes of chunks) {
    feed(bytes);
    yield* validated();
  }
  if (!started) throw invalid("the export chunk is empty, not a JSON array");
  feed(null);
  yield* validated();
}
