import { z } from "zod";

/**
 * The review form of an order in REVIEW: one field per waiting line, `line:<lineId>` = `accept` | `refuse`.
 * Parsed here into what `submitReview` takes ({ lineId: accepted }); anything else in the form is ignored.
 */

export const LINE_FIELD_PREFIX = "line:";
export const lineField = (lineId: string) => `${LINE_FIELD_PREFIX}${lineId}`;

const choiceSchema = z.array(
  z.tuple([
    z.string().min(1, "A line id is missing").max(128, "A line id is too long"),
    z.enum(["accept", "refuse"], { message: "Choose Accept or Refuse for each line" }),
  ]),
);

export type ReviewFormParse = { ok: true; choices: Record<string, boolean> } | { ok: false; problem: string };

export function parseReviewForm(form: Iterable<[string, FormDataEntryValue]>): ReviewFormParse {
  const fields = [...form]
    .filter(([name]) => name.startsWith(LINE_FIELD_PREFIX))
    .map(([name, value]) => [name.slice(LINE_FIELD_PREFIX.length), value] as const);
  if (fields.length === 0) return { ok: false, problem: "Choose Accept or Refuse for the lines in review" };
  const parsed = choiceSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues[0]?.message ?? "The review form is invalid" };
  const choices = new Map<string, boolean>();
  for (const [lineId, choice] of parsed.data) {
    if (choices.has(lineId)) return { ok: false, problem: `Line ${lineId} was given two answers` };
    choices.set(lineId, choice === "accept");
  }
  return { ok: true, choices: Object.fromEntries(choices) };
}
