// A Parquet file written as a stream: hyparquet-writer's ParquetWriter encodes one row group per
// page of rows, and the bytes each row group leaves are handed on (with back-pressure) before the
// next page is read, so an export of millions of rows holds one page in memory.
import { PassThrough, type Readable } from 'node:stream';
import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';
import type { BasicType } from 'hyparquet-writer';

export interface ParquetColumn<R> {
  name: string;
  type: BasicType;
  value: (row: R) => unknown;
}

/** A ByteWriter whose flush passes what it holds to the stream and starts again from empty. */
class StreamingByteWriter extends ByteWriter {
  constructor(private readonly out: PassThrough) {
    super(1 << 20);
  }

  flush(): Promise<void> | undefined {
    if (this.index === 0) return undefined;
    const chunk = Buffer.from(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
    return this.out.write(chunk) ? undefined : new Promise((resolve) => this.out.once('drain', () => resolve()));
  }

  override finish(): void {
    void this.flush();
  }
}

/**
 * The Parquet bytes of every page `pages` yields, as a stream: one row group per page. An error
 * while reading destroys the stream with it, so a client never takes a cut file for a whole one.
 */
export function parquetStream<R>(columns: readonly ParquetColumn<R>[], pages: AsyncIterable<readonly R[]>, metadata: Record<string, string>): Readable {
  const out = new PassThrough();
  const writer = new StreamingByteWriter(out);
  const columnData = (rows: readonly R[]) => columns.map((c) => ({ name: c.name, type: c.type, data: rows.map(c.value) as unknown[] }));
  const parquet = new ParquetWriter({
    writer,
    schema: schemaFromColumnData({ columnData: columnData([]) }),
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    createdBy: 'Threadline (hyparquet-writer)',
  });
  void (async () => {
    for await (const rows of pages) {
      if (rows.length === 0) continue;
      await parquet.write({ columnData: columnData(rows) as never, rowGroupSize: rows.length });
      await writer.flush();
    }
    parquet.finish();
    out.end();
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}
