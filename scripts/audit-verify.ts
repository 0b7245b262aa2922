// `npm run audit:verify -- <export.csv|export.json>`: recomputes a downloaded audit trail's hash
// chain without the database and names the first broken link; exits 1 when the chain is broken.
import { readFileSync } from 'node:fs';
import { parseAuditExport, verifyAuditExport } from '@threadline/db/audit/audit-export-verification';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: npm run audit:verify -- <audit-trail.csv|audit-trail.json>\n');
  process.exit(2);
}
const verification = verifyAuditExport(parseAuditExport(readFileSync(file, 'utf8')));
const span = verification.events > 0 ? `, seq ${verification.firstSeq} to ${verification.lastSeq}` : '';
if (verification.ok) {
  process.stdout.write(`${file}: ${verification.events} events${span}; every hash recomputed, every link intact\n`);
} else {
  const broken = verification.firstBroken!;
  process.stdout.write(`${file}: ${verification.events} events${span}; BROKEN at seq ${broken.seq ?? '?'} (${broken.reason}): ${broken.detail}\n`);
  process.exit(1);
}
