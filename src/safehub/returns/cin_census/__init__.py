"""The Children in Need census: the XML writer and the pre-submission check through the DfE rules."""
