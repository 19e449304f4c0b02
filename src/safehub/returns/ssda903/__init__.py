"""The SSDA903 return (children looked after): the CSV tables, the DfE 903 rules and the pre-submission check."""
