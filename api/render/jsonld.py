"""schema.org JSON-LD: ``application/ld+json``.

The guide is a ``MedicalWebPage``, a self-test a ``HowTo`` about the ``MedicalCondition`` it
helps check (never a ``MedicalTherapy``: it is not a treatment; who should not do it is a
``HowToTip`` like every warning; variants as ``HowToSection``, steps as ``HowToStep`` holding a
``HowToDirection`` and a ``HowToTip`` per warning), muscles ``Muscle``,
landmarks ``AnatomicalStructure`` (``Bone``, ``Nerve``), codes ``MedicalCode`` with ``sameAs``
links to the ontologies. Only types and properties of the schema.org vocabulary are used; a test
checks every one against schema.org's release files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from api.bundle import feeds
from api.bundle import resources as v
from api.render.context import RenderContext

MEDIA_TYPE = "application/ld+json"
SUFFIX = ".jsonld"
NAME = "JsonLd"
TAG = "json-ld"
PHRASE = "as schema.org JSON-LD"
DESCRIPTION = (
    "Every resource as schema.org JSON-LD (`application/ld+json`): the `.jsonld` suffix, or "
    "`Accept: application/ld+json` on the JSON path."
)
Node = dict[str, Any]
# The types made here that are schema.org CreativeWorks, so have a creativeWorkStatus.
CREATIVE_WORKS = frozenset(
    {"MedicalWebPage", "WebPage", "WebPageElement", "HowTo", "HowToStep", "HowToSection", "Report"}
)


def render(view: BaseModel, context: RenderContext) -> bytes:
    """The view as a JSON-LD document with the schema.org context."""
    node = {"@context": "https://schema.org", **to_node(view, context)}
    if context.draft_notice and "@type" in node:  # not yet signed off by a clinician
        if node["@type"] in CREATIVE_WORKS:
            node["creativeWorkStatus"] = "Draft"
        else:  # a muscle, a list, a region: the subject of a draft work
            draft = {"@type": "CreativeWork", "creativeWorkStatus": "Draft"}
            node["subjectOf"] = {**draft, "abstract": context.draft_notice}
    node = _absolute(_prune(node), context.base_url)
    return json.dumps(node, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


LINKING = frozenset({"@id", "url", "image", "contentUrl", "sameAs"})


def _absolute(value: Any, base: str) -> Any:
    """Every identifier and link made absolute from ``base`` (FASCIA_PUBLIC_URL or the request's
    origin): JSON-LD copied into another site must still name this server's resources."""
    if not base:
        return value
    if isinstance(value, dict):
        return {
            k: base + item
            if k in LINKING and isinstance(item, str) and item.startswith("/")
            else _absolute(item, base)
            for k, item in value.items()
        }
    if isinstance(value, list):
        return [_absolute(item, base) for item in value]
    return value


def _prune(value: Any) -> Any:
    """Drop properties with no value (None or an empty list): JSON-LD has no use for them."""
    if isinstance(value, dict):
        return {k: _prune(item) for k, item in value.items() if item is not None and item != []}
    if isinstance(value, list):
        return [_prune(item) for item in value]
    return value


def to_node(view: BaseModel, context: RenderContext) -> Node:
    if isinstance(view, v.Collection):
        return _item_list(view.links.self_, [to_node(item, context) for item in view.items])
    if isinstance(view, v.ExportPage):
        nodes = [to_node(item, context) for _, items in view.sections() for item in items]
        return {**_item_list(view.links.self_, nodes), "name": "Fascia"}
    builder = _BUILDERS[type(view)]
    return builder(view, context)


def _guide(view: v.GuideView, context: RenderContext) -> Node:
    return {
        "@type": "MedicalWebPage",
        "@id": view.links.self_,
        "name": view.title,
        "headline": view.title,
        "alternativeHeadline": view.subtitle,
        "description": view.summary,
        "inLanguage": context.locale,
        "audience": {"@type": "PeopleAudience", "audienceType": view.audience},
        "about": [
            {"@type": "MedicalCondition", "@id": r.href, "name": r.name} for r in view.conditions
        ],
        "mainEntity": [{"@type": "HowTo", "@id": r.href, "name": r.name} for r in view.self_tests],
        "hasPart": [
            {"@type": "WebPageElement", "name": section.title, "text": "\n\n".join(section.body)}
            for section in view.sections
        ],
        "citation": _citations(view.source_ids, context),
        **_dates(view),
        "lastReviewed": str(view.last_reviewed),
        "license": view.license.url or view.license.name,
        "copyrightHolder": {"@type": "Organization", "name": view.copyright_holder},
        "creditText": view.attribution.text,
    }


def _dates(view: v.GuideView | v.SelfTestView) -> Node:
    return {"datePublished": str(view.published), "dateModified": str(view.modified)}


def _self_test(view: v.SelfTestView, context: RenderContext) -> Node:
    tools = dict.fromkeys(need for variant in view.variants for need in variant.you_need)
    return {
        "@type": "HowTo",
        "@id": view.links.self_,
        "name": view.name,
        "alternateName": view.nickname,
        "description": view.summary,
        "inLanguage": context.locale,
        "about": [
            {"@type": "MedicalCondition", "@id": r.href, "name": r.name} for r in view.conditions
        ],
        "tool": [{"@type": "HowToTool", "name": name} for name in tools],
        "image": view.links.diagram,
        "step": [_section(variant, _if(context)) for variant in view.variants],
        "hasPart": [_tip(warning, _if(context)) for warning in view.warnings],
        "citation": _citations(view.source_ids, context),
        **_dates(view),
    }


def _if(context: RenderContext) -> str:
    """The word that opens an escalation ("If <when>: ...") in the served language."""
    return context.label("escalation_if")


def _section(variant: v.VariantView, if_label: str) -> Node:
    return {
        "@type": "HowToSection",
        "@id": variant.links.self_,
        "name": variant.name,
        "description": f"{variant.summary} {variant.position}",
        "itemListElement": [
            *(_tip(warning, if_label) for warning in variant.warnings),
            *(_step(step, if_label) for step in variant.steps),
        ],
    }


def _step(step: v.StepView, if_label: str) -> Node:
    return {
        "@type": "HowToStep",
        "@id": step.links.self_,
        "position": step.number,
        "name": step.title,
        "image": step.links.diagram,
        "itemListElement": [
            {"@type": "HowToDirection", "text": step.instruction},
            *(_tip(warning, if_label) for warning in step.warnings),
        ],
    }


def _tip(warning: v.WarningBrief | v.WarningView, if_label: str) -> Node:
    return {
        "@type": "HowToTip",
        "@id": warning.links.self_ if isinstance(warning, v.WarningView) else warning.href,
        "name": f"{warning.severity.upper()}: {warning.title}",
        "text": v.warning_text(warning, if_label),
    }


def _step_alone(view: v.StepView, context: RenderContext) -> Node:
    """A step on its own carries its self-test's red flags, contraindications and disclaimer,
    like the JSON."""
    node = _step(view, _if(context))
    safety = [*view.safety.red_flags, *view.safety.contraindications, view.safety.disclaimer]
    tips = [_tip(warning, _if(context)) for warning in safety]
    return {**node, "itemListElement": [*node["itemListElement"], *tips]}


def _diagram(view: v.DiagramView, context: RenderContext) -> Node:
    return {
        "@type": "ImageObject",
        "@id": view.links.self_,
        "name": view.title,
        "description": view.description,
        "contentUrl": view.links.diagram,
        "encodingFormat": "image/svg+xml",
        "inLanguage": context.locale,
        "citation": _citations(view.source_ids, context),
    }


def _region(view: v.RegionView, context: RenderContext) -> Node:
    return {
        "@type": "AdministrativeArea",
        "@id": view.links.self_,
        "identifier": view.id,
        "name": view.name,
        "description": f"{view.emergency} {view.urgent}",
    }


def _warning(view: v.WarningView, context: RenderContext) -> Node:
    return {**_tip(view, _if(context)), "inLanguage": context.locale}


def _muscle(view: v.MuscleView, context: RenderContext) -> Node:
    insertions = [r for r in view.relations if r.attachment == "insertion"]
    return {
        "@type": "Muscle",
        "@id": view.links.self_,
        "name": view.name,
        "alternateName": view.common_name,
        "description": view.summary,
        "muscleAction": " ".join(view.functions),
        "nerve": {"@type": "Nerve", "name": view.nerve} if view.nerve else None,
        "insertion": [_structure(r.structure, r.codes) for r in insertions],
        **_codes(view.codes),
    }


def _landmark(view: v.LandmarkView, context: RenderContext) -> Node:
    kind = {"bone": "Bone", "nerve": "Nerve"}.get(view.kind, "AnatomicalStructure")
    return {
        **_structure(view.name, view.codes, kind),
        "@id": view.links.self_,
        "description": f"{view.description} {view.how_to_find}",
        "image": view.links.diagram,
    }


def _condition(view: v.ConditionView, context: RenderContext) -> Node:
    return {
        "@type": "MedicalCondition",
        "@id": view.links.self_,
        "name": view.name,
        "description": view.summary,
        "naturalProgression": view.course,
        "signOrSymptom": [{"@type": "MedicalSymptom", "name": s} for s in view.sensations],
        "possibleTreatment": [
            {"@type": "MedicalTherapy", "name": r.name, "description": r.note}
            for r in view.common_remedies
        ],
        **_codes(view.codes),
    }


def _term(view: v.ActionView | v.TechniqueView, context: RenderContext) -> Node:
    text = (
        view.description if isinstance(view, v.ActionView) else f"{view.description} {view.how_to}"
    )
    node = {"@type": "DefinedTerm", "@id": view.links.self_, "name": view.name, "description": text}
    return {**node, "image": view.links.diagram}


def _source(view: v.SourceView, context: RenderContext) -> Node:
    return {**_citation(view), "@id": view.links.self_, "description": view.used_for}


def _index(view: v.ApiIndex, context: RenderContext) -> Node:
    items = [
        {"@type": "WebPage", "@id": href, "name": name} for name, href in view.collections.items()
    ]
    return {**_item_list(view.links.self_, items), "name": "Fascia"}


def _safety_case(view: v.SafetyCaseView, context: RenderContext) -> Node:
    return {
        "@type": "Report",
        "@id": view.links.self_,
        "name": view.title,
        "inLanguage": "en",
        "version": view.content_version,
        "abstract": " ".join(view.scope),
        "hasPart": [
            {
                "@type": "WebPageElement",
                "name": hazard.title,
                "text": f"{hazard.effect} Initial risk {hazard.initial.rating}, residual risk "
                f"{hazard.residual.rating} (DCB0129).",
            }
            for hazard in view.hazards
        ],
    }


def _hit(view: v.SearchHit, context: RenderContext) -> Node:
    return {"@type": "WebPage", "@id": view.href, "name": view.name, "description": view.snippet}


def _match(view: v.LookupMatch, context: RenderContext) -> Node:
    return {"@type": "WebPage", "@id": view.href, "name": view.name, "description": view.summary}


def _locale(view: v.LocaleView, context: RenderContext) -> Node:
    return {
        "@type": "Language",
        "@id": view.links.self_,
        "name": view.name,
        "alternateName": view.locale,
    }


def _feed_item(view: feeds.ManifestEntry | feeds.Change, context: RenderContext) -> Node:
    """A manifest entry or a change as a schema.org DataFeedItem about the item's page."""
    retired = isinstance(view, feeds.Change) and view.change == "retired"
    return {
        "@type": "DataFeedItem",
        "dateModified": None if retired or view.modified is None else str(view.modified),
        "dateDeleted": str(view.modified) if retired and view.modified else None,
        "item": {"@type": "WebPage", "@id": view.href, "identifier": view.id},
    }


def _item_list(path: str, items: list[Node]) -> Node:
    return {
        "@type": "ItemList",
        "@id": path,
        "numberOfItems": len(items),
        "itemListElement": [
            {"@type": "ListItem", "position": index, "item": item}
            for index, item in enumerate(items, start=1)
        ],
    }


def _structure(name: str, codes: Iterable[v.CodeView], kind: str = "AnatomicalStructure") -> Node:
    return {"@type": kind, "name": name, **_codes(codes)}


def _codes(codes: Iterable[v.CodeView]) -> Node:
    codes = list(codes)
    return {
        "code": [
            {"@type": "MedicalCode", "codeValue": code.code, "codingSystem": code.system}
            for code in codes
        ],
        "sameAs": [code.uri for code in codes if code.uri],
    }


def _citations(source_ids: Iterable[str], context: RenderContext) -> list[Node]:
    return [_citation(context.sources[i]) for i in source_ids if i in context.sources]


def _citation(source: v.SourceView) -> Node:
    kind = {"article": "Article", "textbook": "Book", "patient-information": "WebPage"}
    node: Node = {"@type": kind.get(source.kind, "CreativeWork"), "name": source.title}
    if source.publisher:
        node["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.url:
        node["url"] = source.url
    if source.license is not None:
        node["license"] = source.license.url or source.license.name
    node["creditText"] = source.attribution.text
    return node


_BUILDERS: dict[type, Callable[[Any, RenderContext], Node]] = {
    v.GuideView: _guide,
    v.SelfTestView: _self_test,
    v.StepView: _step_alone,
    v.MuscleView: _muscle,
    v.ActionView: _term,
    v.LandmarkView: _landmark,
    v.TechniqueView: _term,
    v.ConditionView: _condition,
    v.WarningView: _warning,
    v.SourceView: _source,
    v.ApiIndex: _index,
    v.SafetyCaseView: _safety_case,
    v.LocaleView: _locale,
    v.RegionView: _region,
    v.SearchHit: _hit,
    v.LookupMatch: _match,
    v.DiagramView: _diagram,
    feeds.ManifestEntry: _feed_item,
    feeds.Change: _feed_item,
}
