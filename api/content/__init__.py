"""The content layer: models, loading, references, translations and the catalog.

Nothing here imports the web layer; the build (``api.bundle``) and the checks use it, the server
never does.
"""
