// Prints the one closing line CI reads, `N passed, N failed`, from vitest's JSON report.
// Exits non-zero when the report is missing, no test ran, or any test failed.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`summarise: cannot read ${file}: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
let failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
// Unhandled errors fail the run without failing a test: count them so the line never says all is well.
if (report.success === false && failed === 0) {
  console.error('summarise: vitest reported errors outside tests (unhandled rejections or a crashed worker)');
  failed = 1;
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
if (passed + failed === 0) {
  console.error('summarise: no test ran');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
