// Builds static files from npm packages: nothing third-party is committed, nothing is fetched
// at run time. Output goes to src/peerassist/static/{vendor,dist} (git-ignored).
import { build } from "esbuild";
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = join(here, "..", "src", "peerassist", "static");
const nhsuk = join(here, "node_modules", "nhsuk-frontend", "dist", "nhsuk");
const vendor = join(staticDir, "vendor", "nhsuk");

mkdirSync(vendor, { recursive: true });
cpSync(join(nhsuk, "assets"), join(vendor, "assets"), { recursive: true });

// The stylesheet points at /assets/ on the site root and at web fonts on a CDN. Serve the
// images from our static folder, and drop the remote fonts: the CSP allows only 'self', and
// the design system falls back to Arial.
let css = readFileSync(join(nhsuk, "nhsuk-frontend.min.css"), "utf8");
css = css.replaceAll("url(/assets/", "url(assets/");
css = css.replace(/@font-face\{[^}]*https:\/\/assets\.nhs\.uk[^}]*\}/g, "");
css = css.replace(/\/\*# sourceMappingURL=.*?\*\//g, "");
writeFileSync(join(vendor, "nhsuk-frontend.min.css"), css);

const entries = readdirSync(join(here, "src")).filter((f) => f.endsWith(".js"));
await build({
  entryPoints: entries.map((f) => join(here, "src", f)),
  outdir: join(staticDir, "dist"),
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: ["es2020"],
  logLevel: "warning",
});
console.log(`Built ${entries.length} module(s) and NHS.UK assets into ${staticDir}`);
