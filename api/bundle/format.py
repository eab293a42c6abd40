"""The bundle's format, shared by the builder (``api.bundle.build``) and the reader
(``api.bundle.store``), so that neither imports the other. The bundle is one SQLite file:

    meta     key -> value: format, content version, locales, default locale, the stamp of the
             content files it was built from, locale summaries, item count, disclaimer id, the
             governance of the version (its status and sign-off) and the hazard log
             (``hazards``, what ``/v1/safety-case`` reports)
    items    (locale, collection, id) -> position in the collection's order, the response model
             as JSON
    facets   (collection, facet, value, id): what each collection filter matches, for every locale
    credits  (collection, id) -> the sources a handout of the item credits
    sync     (feed, locale, position) -> one item of the manifest or of the change feed since a
             release (``api.bundle.sync``); meta ``releases`` lists the releases, oldest first
    retired  (collection, id) -> the retirement record of an id no longer served
    codes    (locale, system, normal code) -> what a clinical code finds: the code as the content
             writes it, its label, and the matches (conditions, then guides, then self-tests) as
             JSON (``api.bundle.codes`` writes it, ``api.bundle.lookup`` reads it)
    known_codes  (locale, system, position) -> every code that finds content, as written
    names_<locale>, texts_<locale>  FTS5 indexes of every item's name and text
             (``api.bundle.search``)
"""

FORMAT = "7"
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE items (
    locale TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL,
    position INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (locale, collection, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX items_in_order ON items (locale, collection, position);
CREATE TABLE facets (
    collection TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (collection, facet, value, id)
) WITHOUT ROWID;
CREATE TABLE sync (
    feed TEXT NOT NULL, locale TEXT NOT NULL, position INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (feed, locale, position)
) WITHOUT ROWID;
CREATE TABLE retired (
    collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (collection, id)
) WITHOUT ROWID;
CREATE TABLE codes (
    locale TEXT NOT NULL, system TEXT NOT NULL, code TEXT NOT NULL,
    written TEXT NOT NULL, display TEXT, matches TEXT NOT NULL,
    PRIMARY KEY (locale, system, code)
) WITHOUT ROWID;
CREATE TABLE known_codes (
    locale TEXT NOT NULL, system TEXT NOT NULL, position INTEGER NOT NULL, code TEXT NOT NULL,
    PRIMARY KEY (locale, system, position)
) WITHOUT ROWID;
CREATE TABLE credits (
    collection TEXT NOT NULL, id TEXT NOT NULL, source_ids TEXT NOT NULL,
    PRIMARY KEY (collection, id)
) WITHOUT ROWID;
"""
