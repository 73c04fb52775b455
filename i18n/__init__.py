"""One message catalog for every user-facing text, in English and Japanese."""

from i18n.catalog import LOCALES, Catalog, catalog, t

__all__ = ["LOCALES", "Catalog", "catalog", "t"]
