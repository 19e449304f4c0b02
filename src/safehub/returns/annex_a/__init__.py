"""Ofsted's Annex A lists: the list specification, the reader, the importer, the exporter and the fast writer."""
