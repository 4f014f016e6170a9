import { clickhouseServerCode } from './client.ts';

/**
 * Server codes that the rows of an insert cause (a value the column cannot take). Only these make a row a data
 * error that goes to the dead-letter topic; 18.16 and current servers use the same numbers.
 */
const DATA_ERROR_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
]);

export type InsertFailureKind = 'data' | 'infrastructure';

/**
 * `data`: a row's content was refused, so the rows are bisected and the refused one dead-lettered with its reason.
 * `infrastructure`: everything else (network, overload, wrong credentials 516/192/193/194, unknown table 60 or
 * database 81, missing privileges 497, a column the table lacks 16): nothing is dead-lettered or committed, the
 * consumer retries with backoff and reports unready until the cause is fixed.
 */
export function insertFailureKind(error: unknown): InsertFailureKind {
  return DATA_ERROR_CODES.has(clickhouseServerCode(error)) ? 'data' : 'infrastructure';
}
