"""The JSON Schema generated from the pydantic models describes the file format."""
from schema_lang.core.spec import json_schema


def test_json_schema_describes_the_top_level_keys():
    schema = json_schema()
    assert schema["required"] == ["schema"]
    assert {"schema", "dialect", "tables", "enums", "queries", "rules", "context"} <= set(schema["properties"])
    assert schema["properties"]["dialect"]["enum"] == ["postgresql", "mysql", "sqlite"]
    assert schema["additionalProperties"] is False
    table = schema["$defs"]["TableSpec"]
    assert "columns" in table["required"] and table["additionalProperties"] is False
