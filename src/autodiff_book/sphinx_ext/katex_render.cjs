// KaTeX for the build (formulas.py): node katex_render.cjs <katex.min.js> <options as JSON>
// Reads one request per line on stdin, {"tex": ..., "display": true|false}, and answers each with
// one line on stdout: {"html": ...} or {"error": ..., "position": ...}.
const katex = require(process.argv[2]);
const options = JSON.parse(process.argv[3]);
require("node:readline").createInterface({input: process.stdin}).on("line", (line) => {
  const {tex, display} = JSON.parse(line);
  let reply;
  try {
    reply = {html: katex.renderToString(tex, {...options, displayMode: display})};
  } catch (error) {
    // A ParseError's rawMessage is its message without the underlined copy of the formula.
    reply = {error: error.rawMessage || error.message, position: error.position};
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
