"""Configuration files for both roles: JSON or TOML, validated by pydantic, errors in one line."""

from freev2g.config.loader import (
    ConfigError,
    ConfigModel,
    key_path,
    load_config,
    read_config_data,
    validate_config,
)

__all__ = ["ConfigError", "ConfigModel", "key_path", "load_config", "read_config_data", "validate_config"]
