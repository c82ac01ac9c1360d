"""FreeV2G: host software for WHITE beet ISO 15118 modules (HCI over Ethernet or SPI)."""

__version__ = "0.1.0"
