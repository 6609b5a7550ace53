// Preloaded (`node --import ./bench/max-rss.mjs …`) by the memory benchmark: at exit, writes the
// process's peak resident set size (getrusage ru_maxrss, all threads) to $VLM_MAX_RSS_FILE, in KiB.
import { writeFileSync } from 'node:fs';

const file = process.env.VLM_MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
