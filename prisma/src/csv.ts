// CSV records (RFC 4180): quoted fields may hold commas, line breaks and doubled quotes; CRLF and
// LF both end a record. One parser for everything that reads CSV (audit exports, labelled tables).
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

/** A field as written by csvField: without the apostrophe that keeps spreadsheets from running it. */
export const csvValue = (field: string): string => (field.startsWith("'") ? field.slice(1) : field);
