"""Statutory returns in one home: each return's writer, its reader where there is one, and its validator wrapper.

``cin_census`` (the DfE Children in Need census XML and its pre-submission check through
csc-validator-be-cin), ``ssda903`` (children looked after CSV tables, checked by csc-validator-be-903),
``sac`` (the NHS England Safeguarding Adults Collection tables) and ``annex_a`` (Ofsted's Annex A lists,
read and written). The app holds no models: a return's records stay in the apps that own them.
"""
