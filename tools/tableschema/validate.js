#!/usr/bin/env node
// validate.js - checks CSV files against a Frictionless Table Schema with
// the tableschema package: the schema itself first, then each file's header
// (the schema's fields, in order), every value cast and constrained, and
// the SCDL rule across fields that the national validator adds: a row
// gives idBeneficiaire or rnaBeneficiaire.
// Usage: node validate.js SCHEMA CSV...   Exit status: 0 valid, 1 not.
'use strict';
const fs = require('fs');
const path = require('path');
const { Schema, Table } = require(path.join(__dirname, 'node_modules', 'tableschema'));

const prog = 'validate.js';

// oneOf: the fields of which each row must fill one, when the schema has them.
const oneOf = ['idBeneficiaire', 'rnaBeneficiaire'];

async function validate(schema, file) {
  const problems = [];
  const text = fs.readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) problems.push(`${file}: a byte order mark begins the file`);
  const table = await Table.load(file, { schema, headers: 1 });
  const rows = await table.read({ forceCast: true, cast: true });
  const want = schema.fieldNames.join(',');
  const got = (table.headers || []).join(',');
  if (want !== got) problems.push(`${file}:1: the header is "${got}", not "${want}"`);
  const check = oneOf.every((f) => schema.fieldNames.includes(f));
  rows.forEach((row, i) => {
    const line = i + 2;
    if (row instanceof Error) {
      const errs = row.errors && row.errors.length ? row.errors : [row];
      for (const e of errs) {
        const col = e.columnNumber ? ` field "${schema.fieldNames[e.columnNumber - 1]}":` : '';
        problems.push(`${file}:${line}:${col} ${e.message}`);
      }
      return;
    }
    if (check && oneOf.every((f) => row[schema.fieldNames.indexOf(f)] === null))
      problems.push(`${file}:${line}: neither ${oneOf.join(' nor ')} is given`);
  });
  return { problems, rows: rows.length };
}

async function main(argv) {
  if (argv.length < 2) {
    process.stderr.write(`${prog}: error: usage: node validate.js SCHEMA CSV...\n`);
    return 2;
  }
  let schema;
  try {
    schema = await Schema.load(JSON.parse(fs.readFileSync(argv[0], 'utf8')), { strict: true });
  } catch (e) {
    const detail = e.errors ? e.errors.map((x) => x.message).join('; ') : '';
    process.stderr.write(`${prog}:${argv[0]}: error: not a valid Table Schema: ${e.message} ${detail}\n`);
    return 1;
  }
  let status = 0;
  for (const file of argv.slice(1)) {
    let r;
    try {
      r = await validate(schema, file);
    } catch (e) {
      r = { problems: [`${file}: ${e.message}`], rows: 0 };
    }
    for (const p of r.problems) process.stderr.write(`${prog}:${p}\n`);
    if (r.problems.length) status = 1;
    else process.stdout.write(`${file}: ${r.rows} rows valid against ${argv[0]}\n`);
  }
  return status;
}

main(process.argv.slice(2)).then((s) => { process.exitCode = s; },
  (e) => { process.stderr.write(`${prog}: error: ${e.stack}\n`); process.exitCode = 3; });
