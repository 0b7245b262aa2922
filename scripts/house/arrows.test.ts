// The arrows between packages are enforced by lint: an import planted against an arrow, in each
// package, is refused with the rule's message; the same file with an allowed import is clean.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const planted = x;\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the arrows between packages', () => {
  it.each([
    ['the db package importing the API', 'prisma/src/value/planted.ts', "import { x } from '@threadline/api/server';"],
    ['the db package reaching into the workers by path', 'prisma/src/models/planted.ts', "import { x } from '../../../workers/src/ml/features.ts';"],
    ['the API importing the workers', 'api/src/modules/models/planted.ts', "import { x } from '@threadline/workers/ml/onnx-runner';"],
    ['the API loading onnxruntime', 'api/src/modules/models/planted.ts', "import { x } from 'onnxruntime-node';"],
    ['the workers importing the API by path', 'workers/src/processors/planted.ts', "import { x } from '../../../api/src/context.ts';"],
    ['the workers model code reading the database', 'workers/src/ml/planted.ts', "import { x } from 'pg';"],
    ['the workers model code using the SQL helper', 'workers/src/ml/planted.ts', "import { x } from '@threadline/db/sql';"],
    ['the portal importing the database package', 'web/lib/planted.ts', "import { x } from '@threadline/db/client';"],
    ['the portal importing the API', 'web/lib/planted.ts', "import { x } from '@threadline/api/schema';"],
  ])('refuses %s', async (_what, file, code) => {
    expect(await problems(file, code)).toHaveLength(1);
  });

  it.each([
    ['the API importing the domain', 'api/src/modules/models/planted.ts', "import { x } from '@threadline/db/models/registry';"],
    ['the workers importing the domain', 'workers/src/processors/planted.ts', "import { x } from '@threadline/db/models/scoring';"],
    ['the workers model code importing a pure domain module', 'workers/src/ml/planted.ts', "import { x } from '@threadline/db/models/feature-spec';"],
  ])('allows %s', async (_what, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});

describe('the clock', () => {
  it.each([
    ['Date.now()', 'const x = Date.now();'],
    ['new Date()', 'const x = new Date();'],
  ])('refuses %s in shipped code', async (_what, code) => {
    const [result] = await eslint.lintText(`${code}\nexport const planted = x;\n`, { filePath: 'prisma/src/value/planted.ts' });
    expect(result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax')).toHaveLength(1);
  });

  it('allows a time given to new Date', async () => {
    const [result] = await eslint.lintText('export const planted = new Date(0);\n', { filePath: 'prisma/src/value/planted.ts' });
    expect(result!.messages).toEqual([]);
  });
});
