"""One translation mechanism: gettext catalogs (Babel), code labels and locale formats for zh and en."""

from cbec.core.i18n.catalogs import DEFAULT_LANG, LANGS, gettext, translations

__all__ = ["DEFAULT_LANG", "LANGS", "gettext", "translations"]
