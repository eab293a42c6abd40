// Fascia's web component: <fascia-self-test> and <fascia-step>. No dependencies, no build step.
//
//   <script type="module" src="https://fascia.example.org/v1/embed.js"></script>
//   <fascia-self-test self-test="muscular-minesweeper" variant="partner" lang="es"></fascia-self-test>
//   <fascia-step self-test="muscular-minesweeper" step="5" variant="partner"></fascia-step>
//
// The JSON comes from the origin this module was loaded from. The screening comes first: one
// line a question, with Yes and No, in the order the API serves them (emergencies, then the
// other red flags, then who should not do the check). A yes shows what to do instead, in full,
// and keeps the steps hidden; no to every question shows them, each step with its warnings;
// the outcome is announced. The /embed pages load this script too, and it makes their
// screening the same checklist. Theme it with the custom properties --fascia-font,
// --fascia-text, --fascia-background, --fascia-accent, --fascia-radius and the parts title,
// summary, details, progress, step-link, step-title, instruction, diagram and button. The
// questions, warnings and the disclaimer are not parts, use none of the custom properties, and
// lock their own display, colours and size, so a page's styles cannot hide them.

const ORIGIN = new URL(import.meta.url).origin;

// The API's path prefix, its default language and the labels this script uses in every
// language, filled in by the server from its own registries when it serves the script.
const SERVED = /* filled in when served */ {};

// Locked: what makes safety text readable cannot be changed from outside (inherited properties
// of the host included), and parts cannot be moved, stacked or drawn over it. The article is
// an inline block so that text decorations of the host (a thick line-through) stop at it, and
// the host's first-line indent, which would move it, is locked at 0.
const STYLE = `
:host{display:block;font:var(--fascia-font,1rem/1.5 system-ui,sans-serif);
color:var(--fascia-text,#111);background:var(--fascia-background,#fff);text-indent:0 !important}
article{display:inline-block !important;width:100% !important;box-sizing:border-box;
vertical-align:top;position:static !important;padding:1rem;writing-mode:horizontal-tb !important}
h2,h3{line-height:1.25;margin:.5em 0}
button{font:inherit;cursor:pointer;padding:.35em .8em;min-width:2.5em;min-height:2.25em;
border:2px solid var(--fascia-accent,#1a5fb4);border-radius:var(--fascia-radius,.25rem);
background:var(--fascia-background,#fff);color:var(--fascia-accent,#1a5fb4)}
button[aria-current="step"]{font-weight:700;text-decoration:underline;
background:var(--fascia-accent,#1a5fb4);color:var(--fascia-background,#fff)}
button[aria-disabled="true"]{opacity:.6;cursor:default}
.index{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:.5rem 0}
.nav{display:flex;gap:.5rem;justify-content:space-between;margin-top:1rem}
img{max-width:100%;height:auto}
.error{border:2px dashed #111;padding:.75rem}
[part]{position:static !important;inset:auto !important;transform:none !important;
translate:none !important;scale:none !important;rotate:none !important;z-index:auto !important;
float:none !important;margin-inline:0 !important;margin-block:.4em !important;
filter:none !important;backdrop-filter:none !important;box-shadow:none !important;
mix-blend-mode:normal !important;clip-path:none !important;mask:none !important;
outline:none !important}
button[part]:focus-visible{outline:3px solid #111 !important;outline-offset:2px !important}
[part]::before,[part]::after{content:none !important}
.safety,.safety *,.warning,.warning *{visibility:visible !important;opacity:1 !important;
color:#111 !important;-webkit-text-fill-color:#111 !important;-webkit-text-stroke:0 !important;
font-family:system-ui,sans-serif !important;font-size:16px !important;line-height:1.4 !important;
letter-spacing:normal !important;word-spacing:normal !important;text-indent:0 !important;
text-shadow:none !important;filter:none !important;transform:none !important;
clip-path:none !important;mask:none !important;position:static !important;
content-visibility:visible !important;overflow:visible !important;height:auto !important;
max-height:none !important;writing-mode:horizontal-tb !important;mix-blend-mode:normal !important;
font-size-adjust:none !important;font-feature-settings:normal !important;
font-variation-settings:normal !important;-webkit-text-security:none !important}
.safety,.warning,.warning p,.safety h2,.safety h3{display:block !important}
.warning strong{display:inline !important;font-weight:700 !important}
.warning{border:3px solid #111 !important;border-left-width:.6rem !important;
padding:.5rem .75rem !important;margin:.75rem 0 !important;background:#fff !important}
.warning.stop{border-color:#b00020 !important;border-style:double !important;
border-width:6px 6px 6px .9rem !important;background:#fdecee !important}
.warning.caution{border-color:#8a4500 !important;background:#fff4e5 !important}
.warning.info{border-color:#1a5fb4 !important;border-style:dashed !important;
background:#eef4fb !important}
.warning p{margin:.25rem 0 !important}
.question{border:0;border-top:1px solid #767676 !important;margin:0 !important;
padding:.35rem 0 !important;display:block !important;min-width:0}
.checklist .question{display:grid !important;grid-template-columns:1fr auto;column-gap:.5rem;
align-items:center}
.question legend{float:left;width:100%;padding:0 !important}
.checklist .question legend{width:auto}
.answers{display:flex !important;gap:.1rem}
.answers label{display:inline-flex !important;align-items:center;gap:.3rem;padding:0 .3rem;
min-height:2.25rem;cursor:pointer}
.answers input{width:1.2rem;height:1.2rem;margin:0}
.answers input:focus-visible{outline:3px solid #111 !important;outline-offset:2px !important}
.if-yes{display:block;clear:both;grid-column:1/-1}
.question .warning{margin:.35rem 0 .2rem !important}
.outcome{border:2px solid #111 !important;padding:.5rem .75rem !important;font-weight:600 !important}
.outcome[data-outcome="stop"]{border:4px double #b00020 !important;background:#fdecee !important}
.if-yes[hidden],.gate[hidden]{display:none !important}
@media print{.if-yes[hidden],.gate[hidden]{display:block !important}
.answers,.checklist-intro,.outcome{display:none !important}
.checklist .question{display:block !important}.checklist .question legend{width:100%}}
.draft{display:block !important;visibility:visible !important;opacity:1 !important;
color:#111 !important;background:#fff !important;border:3px solid #111 !important;
padding:.5rem .75rem !important;margin:0 0 .75rem !important;font-size:16px !important;
position:static !important;transform:none !important;clip-path:none !important}
`;

// A label in the reader's language (the default one for a language the API does not have),
// with its {placeholders} filled in.
function text(key, lang, values = {}) {
  const labels = SERVED.labels[lang] || SERVED.labels[SERVED.defaultLanguage];
  return labels[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== "") node.append(child);
  }
  return node;
}

function warningBox(warning, lang, asked = false) {
  // The API labels each severity in the served language; a STOP is shouted.
  const severity = warning.severity === "stop" ? warning.severity_label.toUpperCase() : warning.severity_label;
  const label = warning.kind === "disclaimer" ? text("disclaimer", lang) : severity;
  const box = element(
    "div",
    { class: `warning ${warning.severity}`, role: "note", "data-warning": warning.id },
    element("p", {}, element("strong", {}, `${label}: ${warning.title}`)),
  );
  if (warning.question) {
    if (!asked) box.append(element("p", {}, warning.question));
    if (warning.reason) box.append(element("p", {}, warning.reason));
    // What a yes means, and where to get that care in the reader's region, in one sentence.
    const then = [warning.action, warning.care && warning.care.advice].filter(Boolean).join(" ");
    box.append(element("p", {}, `${text("if_yes", lang)}: ${then}`));
  } else {
    box.append(element("p", {}, warning.sign), element("p", {}, warning.action));
    if (warning.care && warning.care.advice) box.append(element("p", {}, warning.care.advice));
  }
  for (const escalation of warning.escalations || []) {
    const then = [escalation.action, escalation.care && escalation.care.advice].filter(Boolean).join(" ");
    box.append(element("p", { class: "escalation" }, `${text("escalation_if", lang)} ${escalation.when}: ${then}`));
  }
  return box;
}

// The screening, one fieldset a question in the order given (the API's), each followed by
// what a yes means; the same markup as the /embed pages', which `checklist` then enhances.
function screening(questions, lang, heading) {
  return element(
    "section",
    { class: "safety screening", "aria-label": text("screening", lang) },
    element(heading, {}, text("screening", lang)),
    ...questions.map((w) =>
      element(
        "fieldset",
        { class: "question", "data-question": w.id },
        element("legend", {}, w.question),
        element("div", { class: "if-yes" }, warningBox(w, lang, true)),
      ),
    ),
  );
}

// Warnings shown in full in a section of their own: the disclaimer, what to know before starting.
function safetySection(warnings, lang, heading, label) {
  if (!warnings.length) return null;
  return element(
    "section",
    { class: "safety", "aria-label": label },
    label ? element(heading, {}, label) : null,
    ...warnings.map((w) => warningBox(w, lang)),
  );
}

// The screening made a checklist, in an element or in an /embed page: Yes and No for each
// question, what a yes means shown after a yes (and the steps kept hidden), and `gate` (what
// follows the screening: the steps) shown once every answer is no; the outcome is announced.
// Without script, and in print, every question, what a yes means and the steps all show.
function checklist(section, gate, lang) {
  const questions = [...section.querySelectorAll("fieldset.question")];
  if (!questions.length || !gate) return;
  section.classList.add("checklist");
  const heading = section.querySelector("h2, h3");
  const intro = element("p", { class: "checklist-intro" }, text("embed.checklist", lang));
  if (heading) heading.after(intro);
  else section.prepend(intro);
  questions.forEach((fieldset, index) => {
    const name = `fascia-question-${index + 1}`;
    const answer = (value, label) => element("label", {}, element("input", { type: "radio", name, value }), label);
    const answers = element("div", { class: "answers" }, answer("yes", text("embed.yes", lang)), answer("no", text("embed.no", lang)));
    fieldset.querySelector("legend").after(answers);
    fieldset.querySelector(".if-yes").hidden = true;
  });
  const outcome = element("p", { class: "outcome", role: "status", "aria-live": "polite", "aria-atomic": "true" });
  const update = () => {
    const answered = questions.map((q) => (q.querySelector("input:checked") || {}).value);
    questions.forEach((q, i) => {
      q.querySelector(".if-yes").hidden = answered[i] !== "yes";
      q.dataset.answer = answered[i] || "";
    });
    const clear = answered.every((a) => a === "no");
    gate.hidden = !clear;
    const count = { answered: answered.filter(Boolean).length, total: questions.length };
    const stopped = answered.includes("yes");
    outcome.dataset.outcome = stopped ? "stop" : clear ? "clear" : "open";
    if (stopped) outcome.textContent = text("embed.stopped", lang);
    else outcome.textContent = clear ? text("embed.clear", lang) : text("embed.answered", lang, count);
  };
  section.addEventListener("change", update);
  update();
  section.append(outcome);
}

// While the content is not signed off by a clinician, the first thing shown says it is a draft.
function draftNotice(data, lang) {
  if (data.status !== "draft") return null;
  return element("p", { class: "draft", role: "note" }, element("strong", {}, text("status.draft", lang)));
}

function diagram(links, title, lang) {
  const href = links && links.diagram;
  if (typeof href !== "string") return null;
  return element("img", { part: "diagram", src: new URL(href, ORIGIN).href, alt: text("embed.diagram", lang, { title }) });
}

function stepBody(step, lang, heading) {
  const title = `${step.number}. ${step.title}`;
  const body = element(
    "div",
    { class: "step", "data-step": String(step.number) },
    element(heading, { part: "step-title" }, title),
    element("p", { part: "instruction" }, step.instruction),
  );
  if (step.note) body.append(element("p", { part: "details" }, step.note));
  if (step.landmarks && step.landmarks.length) {
    const names = step.landmarks.map((l) => l.name).join(", ");
    body.append(element("p", { part: "details" }, `${text("landmarks", lang)}: ${names}`));
  }
  body.append(...step.warnings.map((w) => warningBox(w, lang)));
  const picture = diagram(step.links, title, lang);
  if (picture) body.append(picture);
  return body;
}

async function fetchJson(path, lang) {
  const url = new URL(path, ORIGIN);
  if (lang) url.searchParams.set("lang", lang);
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`.trim();
    try {
      const problem = await response.json();
      if (problem.detail) detail = problem.detail;
    } catch {
      // not a problem document: the status says enough
    }
    throw new Error(detail);
  }
  return response.json();
}

class FasciaElement extends HTMLElement {
  static get observedAttributes() {
    return ["self-test", "step", "variant", "lang"];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.generation = 0;
  }

  get language() {
    return (this.getAttribute("lang") || SERVED.defaultLanguage).split("-")[0].toLowerCase();
  }

  connectedCallback() {
    this.load();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.load();
  }

  show(...children) {
    const style = element("style", {}, STYLE);
    this.shadowRoot.replaceChildren(style, ...children);
  }

  async load() {
    const generation = ++this.generation;
    const lang = this.language;
    this.show(element("article", { "aria-busy": "true" }, element("p", { role: "status" }, text("embed.loading", lang))));
    try {
      const data = await fetchJson(this.path(), this.getAttribute("lang"));
      if (generation === this.generation) this.render(data);
    } catch (error) {
      if (generation !== this.generation) return;
      const message = `${text("embed.failed", lang)}: ${error.message}`;
      this.show(element("article", {}, element("p", { class: "error", role: "alert" }, message)));
    }
  }

  query() {
    const variant = this.getAttribute("variant");
    return variant ? `?variant=${encodeURIComponent(variant)}` : "";
  }

  selfTestId() {
    return encodeURIComponent(this.getAttribute("self-test") || "");
  }
}

class FasciaSelfTest extends FasciaElement {
  path() {
    return `${SERVED.prefix}/self-tests/${this.selfTestId()}${this.query()}`;
  }

  render(selfTest) {
    const lang = this.language;
    const wanted = this.getAttribute("variant") || selfTest.default_variant;
    const variant = selfTest.variants.find((v) => v.id === wanted) || selfTest.variants[0];
    this.steps = variant.steps;
    this.progress = element("p", { part: "progress", "aria-live": "polite", "aria-atomic": "true" });
    this.current = element("div", { class: "current" });
    this.index = element("ol", { class: "index", "aria-label": text("steps", lang) });
    this.links = this.steps.map((step, position) => {
      const link = element(
        "button",
        { type: "button", part: "step-link", "aria-label": text("embed.go_to", lang, step) },
        String(step.number),
      );
      link.addEventListener("click", () => this.go(position, false));
      this.index.append(element("li", {}, link));
      return link;
    });
    this.previous = element("button", { type: "button", part: "button", "data-go": "previous" }, text("embed.previous", lang));
    this.next = element("button", { type: "button", part: "button", "data-go": "next" }, text("embed.next", lang));
    this.previous.addEventListener("click", () => this.go(this.position - 1, false));
    this.next.addEventListener("click", () => this.go(this.position + 1, false));
    const steps = element(
      "section",
      { class: "steps", "aria-label": text("steps", lang) },
      element("h3", {}, text("steps", lang)),
      this.index,
      this.progress,
      this.current,
      element("div", { class: "nav" }, this.previous, this.next),
    );
    steps.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight") this.go(this.position + 1, false);
      if (event.key === "ArrowLeft") this.go(this.position - 1, false);
    });
    const needs = variant.you_need && variant.you_need.length ? `${text("you_need", lang)}: ${variant.you_need.join("; ")}` : "";
    // The questions in the order the API serves them (its screening, then its contraindications);
    // a screened warning the two lists leave out still follows them, so none is lost.
    const all = [...selfTest.warnings, ...variant.warnings];
    const byId = new Map(all.map((w) => [w.id, w]));
    const served = [...selfTest.screening, ...selfTest.contraindications].map((q) => byId.get(q.warning_id));
    const screened = all.filter((w) => ["red-flag", "contraindication"].includes(w.kind));
    const asked = [...new Set([...served, ...screened])].filter((w) => w && w.question);
    const others = all.filter((w) => !asked.includes(w) && w.kind !== "disclaimer");
    const disclaimers = all.filter((w) => w.kind === "disclaimer");
    const questions = screening(asked, lang, "h3");
    const gate = element(
      "div",
      { class: "gate" },
      safetySection(others, lang, "h3", text("warnings.before", lang)),
      diagram(selfTest.links, selfTest.name, lang),
      element("p", { part: "details" }, needs),
      element("p", { part: "details" }, variant.position ? `${text("position", lang)}: ${variant.position}` : ""),
      steps,
    );
    this.show(
      element(
        "article",
        { lang: selfTest.translation.locale },
        draftNotice(selfTest, lang),
        element("h2", { part: "title" }, selfTest.name),
        element("p", { part: "summary" }, selfTest.summary),
        questions,
        safetySection(disclaimers, lang, "h3"),
        gate,
      ),
    );
    checklist(questions, gate, lang);
    this.position = 0;
    this.go(0, true);
  }

  go(position, quiet) {
    if (position < 0 || position >= this.steps.length) return;
    this.position = position;
    const step = this.steps[position];
    this.current.replaceChildren(stepBody(step, this.language, "h3"));
    this.links.forEach((link, i) => {
      if (i === position) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    });
    this.previous.setAttribute("aria-disabled", String(position === 0));
    this.next.setAttribute("aria-disabled", String(position === this.steps.length - 1));
    const where = text("embed.step", this.language, { number: step.number, total: this.steps.length });
    const announcement = `${where}: ${step.title}`;
    if (!quiet || !this.progress.textContent) this.progress.textContent = announcement;
  }
}

class FasciaStep extends FasciaElement {
  path() {
    const number = encodeURIComponent(this.getAttribute("step") || "1");
    return `${SERVED.prefix}/self-tests/${this.selfTestId()}/steps/${number}${this.query()}`;
  }

  render(step) {
    const lang = this.language;
    // The questions in the order the API serves them: red flags, then contraindications.
    const asked = [...step.safety.red_flags, ...(step.safety.contraindications || [])];
    const questions = screening(asked.filter((w) => w.question), lang, "h2");
    const others = asked.filter((w) => !w.question);
    const gate = element("div", { class: "gate" }, safetySection(others, lang, "h2"), stepBody(step, lang, "h2"));
    this.show(
      element(
        "article",
        { lang: step.translation.locale },
        draftNotice(step, lang),
        questions,
        safetySection([step.safety.disclaimer], lang, "h2"),
        gate,
      ),
    );
    checklist(questions, gate, lang);
  }
}

if (!customElements.get("fascia-self-test")) customElements.define("fascia-self-test", FasciaSelfTest);
if (!customElements.get("fascia-step")) customElements.define("fascia-step", FasciaStep);

// An /embed page: its screening (server-rendered, in full) made the same checklist.
if (typeof document !== "undefined") {
  const page = document.querySelector("[data-fascia-screening]");
  const lang = (document.documentElement.lang || SERVED.defaultLanguage).split("-")[0].toLowerCase();
  if (page) checklist(page, document.querySelector("[data-fascia-gate]"), lang);
}
