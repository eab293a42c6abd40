// Fascia from TypeScript: types generated from the OpenAPI document by openapi-typescript,
// calls made by openapi-fetch with the plain createClient<paths>().
import createClient from "openapi-fetch";
import type { paths } from "./fascia-api.js";

const client = createClient<paths>({ baseUrl: process.argv[2] ?? "http://127.0.0.1:8000" });
const minesweeper = { self_test_id: "muscular-minesweeper" };

// 1. A self-test's partner variant, in English and Spanish: the screening questions and the
//    disclaimer first, then each step with its STOP warnings.
for (const lang of ["en", "es"]) {
  const { data, error } = await client.GET("/v1/self-tests/{self_test_id}", {
    params: { path: minesweeper, query: { variant: "partner", lang } },
  });
  if (error) throw new Error(error.detail);
  console.log(`# ${data.name} (${lang})`);
  for (const screening of data.screening) console.log(`Ask first: ${screening.question}`);
  const disclaimer = data.warnings.find((warning) => warning.kind === "disclaimer");
  console.log(`Disclaimer: ${disclaimer?.title}`);
  for (const step of data.variants[0].steps) {
    console.log(`${step.number}. ${step.title}`);
    for (const warning of step.warnings.filter((warning) => warning.severity === "stop")) {
      console.log(`   STOP: ${warning.title}`);
    }
  }
}

// 2. Caching: send the ETag back in If-None-Match; while the resource is unchanged the answer is
//    a 304 with no body, and the copy you hold is still good.
const muscle = { path: { muscle_id: "gluteus-maximus" } };
const first = await client.GET("/v1/muscles/{muscle_id}", { params: muscle });
const etag = first.response.headers.get("ETag") ?? "";
const again = await client.GET("/v1/muscles/{muscle_id}", {
  params: { ...muscle, header: { "if-none-match": etag } },
});
console.log(`${again.response.status}: ${first.data?.name} is unchanged since ${etag}`);

// 3. Errors are application/problem+json: `detail` says what was wrong, and fields such as
//    `allowed_values` say what would have worked.
const wrong = await client.GET("/v1/self-tests/{self_test_id}", {
  params: { path: minesweeper, query: { variant: "tennis-ball" } },
});
if (wrong.error) {
  console.log(`${wrong.error.status} ${wrong.error.title}: ${wrong.error.detail}`);
  console.log(`Variants: ${wrong.error.allowed_values?.join(", ")}`);
}
