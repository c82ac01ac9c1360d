"""System module 0x10 (manual 2.14 §11, p50-p64): versions, MAC, serial number, save mode,
restart, factory reset, uptime, API info, kernel version and file hashes."""

from __future__ import annotations

import hashlib

from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.hci.catalog import system
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

FILE_NOT_FOUND = 0x10  # p64


class SystemService(Service):
    module_id = ModuleId.SYSTEM

    def __init__(self, module: EmulatedModule, *, mac: str = "00:01:01:63:77:33",
                 files: dict[str, bytes] | None = None) -> None:
        super().__init__(module)
        self.mac = mac
        self.serial_number = ""
        self.save_mode = system.SaveMode.AUTOMATIC  # StxCfgGen default (p26)
        self.files = dict(files or {})
        self.started = module.clock.now()

    def handle(self, command: Command) -> Answer:
        match command:
            case system.GetVersion():
                return system.GetVersion.Response(version="1.1.0.0")
            case system.GetFirmwareVersion():
                return system.GetFirmwareVersion.Response(version=self.module.profile.version)
            case system.GetMacAddress():
                return system.GetMacAddress.Response(mac=self.mac)
            case system.SetSerialNumber(serial_number=serial):
                if self.serial_number:  # "can be set only once" (p54)
                    return self.reject(command, 0x05)
                self.serial_number = serial
                return command.Response()
            case system.GetSerialNumber():
                return system.GetSerialNumber.Response(serial_number=self.serial_number)
            case system.RestartSystem() | system.FactoryReset():
                self.module.restart(factory=isinstance(command, system.FactoryReset))
                return command.Response()
            case system.SetSaveMode(mode=mode):
                self.save_mode = system.SaveMode(mode)
                return command.Response()
            case system.GetSaveMode():
                return system.GetSaveMode.Response(mode=self.save_mode)
            case system.SaveConfiguration():
                return command.Response()
            case system.GetApiInfo():
                return system.GetApiInfo.Response(api_type="iot.1", api_version="1.0.0")
            case system.GetUptime():
                return system.GetUptime.Response(uptime=int(self.module.clock.now() - self.started))
            case system.GetKernelVersion():
                return system.GetKernelVersion.Response(version="1.0.0.0")
            case system.GetFileHash(filename=name):
                content = self.files.get(name)
                if content is None:
                    return self.reject(command, FILE_NOT_FOUND)
                return system.GetFileHash.Response(size=len(content), sha256=hashlib.sha256(content).digest())
        return self.unknown(command)

    def reset(self, factory: bool) -> None:
        self.started = self.module.clock.now()
        if factory:
            self.save_mode = system.SaveMode.AUTOMATIC  # the serial number is kept (p57)
