// sleeps.js: the timer benchmark on Node: F async functions each awaiting a 1 ms setTimeout K times; prints the
// CPU time (user + system) per sleep in ns, as bench/sleeps.c does.  Usage: node sleeps.js run F K
// Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole).
'use strict';
const [mode, f, k] = process.argv.slice(2);
if (mode !== 'run') { console.error('usage: node sleeps.js run F K'); process.exit(2); }
const sleep = () => new Promise((resolve) => setTimeout(resolve, 1));
async function sleeper(n) { for (let i = 0; i < n; i++) await sleep(); }
const c0 = process.cpuUsage();
Promise.all(Array.from({ length: Number(f) }, () => sleeper(Number(k)))).then(() => {
  const c = process.cpuUsage(c0);
  console.log(((c.user + c.system) * 1000 / (Number(f) * Number(k))).toFixed(1));
});
