// PurgeCSS for the build (weight.py): node purge_css.cjs <purgecss> <built tree> <stylesheet>...
// Keeps each rule whose selector names only classes, ids, tags and attributes that the tree's pages or
// scripts contain (the scripts name the classes they add, e.g. Bootstrap's "show"), and rewrites each
// stylesheet in place. @font-face rules stay: a browser fetches a font only when a kept rule uses it.
const {PurgeCSS} = require(process.argv[2]);
const fs = require("node:fs");
const [tree, ...stylesheets] = process.argv.slice(3);
new PurgeCSS()
  .purge({content: [`${tree}/**/*.html`, `${tree}/_static/**/*.js`], css: stylesheets, variables: false})
  .then((results) => {
    for (const {file, css} of results) fs.writeFileSync(file, css);
  })
  .catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
