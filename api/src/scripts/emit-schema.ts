// `npm run emit-schema -w @threadline/api`: writes the GraphQL contract to api/schema.graphql,
// which is committed so that every schema change shows in review.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { printContract, SCHEMA_FILE } from '../schema-contract.ts';

writeFileSync(SCHEMA_FILE, await printContract());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
