"""One service per HCI module of the emulated firmware."""
