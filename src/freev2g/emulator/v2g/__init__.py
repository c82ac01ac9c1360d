"""The V2G messages exchanged between an emulated EV and EVSE module, and the links they travel on."""
