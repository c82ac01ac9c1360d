"""Lua runtime, part 2: the protocol, its preferences, and the Ethernet and framing layers.

Ethernet payload (manual 2.14 §9.1 p38-p39, hci-reference §1.2): control header ``00 04 size``,
then ``size`` bytes of framing data, which may hold several HCI frames or a part of one: the
framing data each MAC sends is one byte stream, reassembled across Ethernet frames as
``freev2g decode`` does. HCI frame (§10.1 p45-p48, hci-reference §2.1, §2.3): ``C0``, module ID,
sub-ID, request ID, u16 payload length, payload, checksum (``00`` = not computed), ``C1``.

Direction (who sent a frame decides between command, response and status, hci-reference §2.4):
the ``module_macs`` preference lists module MACs; without it, each conversation (pair of MACs)
is decided at its first frame: a status message (request ID 0xFF and a status Sub-ID of the
generation) comes from the module, anything else from the host, which speaks first.
"""

RUNTIME_PROTOCOL = r'''
local proto = Proto("freev2g", "WHITE beet HCI over Ethernet (FreeV2G)")

proto.prefs.generation = Pref.enum("HCI API generation", 2,
  "v1: manual 2.11 (EVSE firmware V01_01_xx); v2: manual 2.14 (V02_xx)",
  { { 1, "v1", 1 }, { 2, "v2", 2 } }, false)
proto.prefs.module_macs = Pref.string("Module MAC addresses", "",
  "Comma-separated MACs of the modules (frames from them are responses and statuses); empty: the"
  .. " first frame of each conversation tells (a status comes from the module, else from the host)")
'''

RUNTIME_FRAMES = r'''
-- ---------------------------------------------------------------------------------------------
-- Ethernet control header and HCI framing
-- ---------------------------------------------------------------------------------------------

local pf_control_version = register(ProtoField.uint8("freev2g.control.version", "Control header version",
                                                     base.HEX))
local pf_control_type = register(ProtoField.uint8("freev2g.control.type", "Control header message type",
                                                  base.HEX, { [4] = "framing protocol" }))
local pf_control_size = register(ProtoField.uint16("freev2g.control.size", "Framing data size"))
local pf_frame = register(ProtoField.none("freev2g.frame", "HCI frame"))
local pf_start = register(ProtoField.uint8("freev2g.start", "Start", base.HEX))
local pf_module = register(ProtoField.uint8("freev2g.module", "Module ID", base.HEX, MODULE_TITLES))
local pf_sub_id = register(ProtoField.uint8("freev2g.sub_id", "Sub-ID", base.HEX))
local pf_request_id = register(ProtoField.uint8("freev2g.request_id", "Request ID", base.HEX))
local pf_payload_length = register(ProtoField.uint16("freev2g.payload_length", "Payload length"))
local pf_message = register(ProtoField.string("freev2g.message", "Message"))
local pf_kind = register(ProtoField.string("freev2g.kind", "Kind"))
local pf_direction = register(ProtoField.string("freev2g.direction", "Direction"))
local pf_generation = register(ProtoField.string("freev2g.generation", "Generation"))
local pf_result = register(ProtoField.uint8("freev2g.result", "Result code", base.HEX))
local pf_unknown_payload = register(ProtoField.bytes("freev2g.unknown.payload", "payload"))
local pf_extra = register(ProtoField.bytes("freev2g.extra", "Unexpected bytes after the last field"))
local pf_checksum = register(ProtoField.uint8("freev2g.checksum", "Checksum", base.HEX))
local pf_checksum_status = register(ProtoField.string("freev2g.checksum.status", "Checksum status"))
local pf_end = register(ProtoField.uint8("freev2g.end", "End", base.HEX))
local pf_garbage = register(ProtoField.bytes("freev2g.garbage", "Bytes outside any frame"))
local pf_pending = register(ProtoField.bytes("freev2g.pending",
                                             "Start of a frame continued in a later packet"))

local ef_malformed = ProtoExpert.new("freev2g.malformed", "Payload does not match the message declaration",
                                     expert.group.MALFORMED, expert.severity.ERROR)
local ef_checksum = ProtoExpert.new("freev2g.checksum.bad", "Bad checksum", expert.group.CHECKSUM,
                                    expert.severity.ERROR)
local ef_framing = ProtoExpert.new("freev2g.framing", "Framing fault", expert.group.MALFORMED,
                                   expert.severity.ERROR)
local ef_unknown = ProtoExpert.new("freev2g.unknown", "Message not declared for this generation",
                                   expert.group.UNDECODED, expert.severity.WARN)
local ef_rejected = ProtoExpert.new("freev2g.rejected", "Command rejected", expert.group.RESPONSE_CODE,
                                    expert.severity.NOTE)
proto.experts = { ef_malformed, ef_checksum, ef_framing, ef_unknown, ef_rejected }

local START, END, OVERHEAD, MAX_FRAME = 0xC0, 0xC1, 8, 4096

-- One's complement checksum of manual 2.14 p47 (hci-reference §2.3) over the frame, its
-- checksum byte counted as 0x00.
local function checksum_of(range, checksum_offset)
  local sum = 0
  for index = 0, range:len() - 1 do
    if index ~= checksum_offset then sum = sum + range:range(index, 1):uint() end
  end
  sum = (sum % 0x10000) + math.floor(sum / 0x10000)
  sum = (sum % 0x100) + math.floor(sum / 0x100)
  sum = (sum % 0x100) + math.floor(sum / 0x100)
  if sum == 0xFF then return 0xFF end
  return 255 - sum
end

local function result_meaning(module_id, code)
  local meaning = (RESULTS[module_id] or {})[code] or RESULTS.generic[code] or "unknown result code"
  return string.format("0x%02X %s", code, meaning)
end

local function generation()
  return proto.prefs.generation == 1 and "v1" or "v2"
end

local function message_of(module_id, sub_id, direction)
  return MESSAGES[generation()][string.format("%02X:%02X:%s", module_id, sub_id, direction)]
end

-- State that outlives one packet: reset whenever a capture is (re)loaded.
local conversations, pending_bytes, carried_in
local function reset_state()
  conversations, pending_bytes, carried_in = {}, {}, {}
end
reset_state()
proto.init = reset_state

local function module_mac_set()
  local set = {}
  for mac_text in string.gmatch(proto.prefs.module_macs:lower(), "[0-9a-f:%-]+") do
    set[mac_text:gsub("%-", ":")] = true
  end
  return set
end

local function direction_of(pinfo, module_id, sub_id, request_id)
  local src, dst = tostring(pinfo.dl_src):lower(), tostring(pinfo.dl_dst):lower()
  local modules = module_mac_set()
  if next(modules) then return modules[src] and "m" or "h" end
  local pair = src < dst and (src .. "|" .. dst) or (dst .. "|" .. src)
  if conversations[pair] == nil then
    local status = message_of(module_id, sub_id, "m")
    local is_status = request_id == 0xFF and status ~= nil and status.kind == "status"
    conversations[pair] = is_status and src or dst
  end
  return conversations[pair] == src and "m" or "h"
end

local function dissect_payload(entry, frame_info, payload, tree, pinfo)
  local ctx = { buf = payload, len = payload:len() }
  local item = tree:add(pf_message, payload, entry and entry.title or frame_info.unknown_title)
  item:set_text(entry and entry.title or frame_info.unknown_title)
  if entry == nil then
    item:add_proto_expert_info(ef_unknown)
    item:add(pf_unknown_payload, payload)
    return "unknown", frame_info.unknown_title
  end
  local pos = 0
  if entry.result then
    if ctx.len == 0 then
      item:add_proto_expert_info(ef_malformed, entry.title .. ": result: missing result code")
      return entry.kind, entry.title .. " [malformed]"
    end
    local code = payload:range(0, 1):uint()
    local meaning = code == 0 and "OK" or result_meaning(frame_info.module_id, code)
    item:add(pf_result, payload:range(0, 1)):set_text("result: " .. meaning)
    if code ~= 0 then
      item:add_proto_expert_info(ef_rejected, meaning)
      return entry.kind, entry.title .. " (" .. meaning .. ")"
    end
    pos = 1
  end
  local body = { buf = payload, len = ctx.len }
  local ok, result, end_pos = pcall(decode_struct, entry.struct, body, pos, item)
  if not ok then
    if type(result) ~= "table" then error(result, 0) end
    item:add_proto_expert_info(ef_malformed,
      string.format("%s: %s: %s", entry.title, result.path ~= "" and result.path or "payload",
                    result.hci_fault))
    return entry.kind, entry.title .. " [malformed]"
  end
  if end_pos ~= ctx.len then
    item:add(pf_extra, payload:range(end_pos, ctx.len - end_pos)):add_proto_expert_info(ef_malformed,
      string.format("%s: %d unexpected byte(s) after the last field", entry.title, ctx.len - end_pos))
    return entry.kind, entry.title .. " [malformed]"
  end
  return entry.kind, entry.title
end

local function dissect_frame(range, pinfo, tree)
  local module_id, sub_id = range:range(1, 1):uint(), range:range(2, 1):uint()
  local request_id = range:range(3, 1):uint()
  local length = range:range(4, 2):uint()
  local direction = direction_of(pinfo, module_id, sub_id, request_id)
  local entry = message_of(module_id, sub_id, direction)
  local module_title = MODULE_TITLES[module_id] or string.format("unknown module 0x%02X", module_id)
  local frame_tree = tree:add(pf_frame, range)
  frame_tree:add(pf_start, range:range(0, 1))
  frame_tree:add(pf_module, range:range(1, 1))
  frame_tree:add(pf_sub_id, range:range(2, 1))
  frame_tree:add(pf_request_id, range:range(3, 1))
  frame_tree:add(pf_payload_length, range:range(4, 2))
  frame_tree:add(pf_direction, direction == "h" and "host" or "module"):set_generated()
  frame_tree:add(pf_generation, generation()):set_generated()
  local frame_info = { module_id = module_id,
                       unknown_title = string.format("unknown message 0x%02X of %s", sub_id, module_title) }
  local kind, summary
  if length > 0 then
    kind, summary = dissect_payload(entry, frame_info, range:range(6, length), frame_tree, pinfo)
  else
    kind, summary = dissect_payload(entry, frame_info, range:range(6, 0), frame_tree, pinfo)
  end
  frame_tree:add(pf_kind, kind):set_generated()
  local checksum_range = range:range(6 + length, 1)
  local checksum = checksum_range:uint()
  local checksum_item = frame_tree:add(pf_checksum, checksum_range)
  if checksum == 0 then
    frame_tree:add(pf_checksum_status, checksum_range, "not computed"):set_generated()
  else
    local expected = checksum_of(range, 6 + length)
    if expected == checksum then
      frame_tree:add(pf_checksum_status, checksum_range, "correct"):set_generated()
    else
      frame_tree:add(pf_checksum_status, checksum_range, string.format("wrong, expected 0x%02X", expected))
        :set_generated()
      checksum_item:add_proto_expert_info(ef_checksum,
        string.format("checksum 0x%02X, expected 0x%02X", checksum, expected))
      summary = summary .. " [bad checksum]"
    end
  end
  frame_tree:add(pf_end, range:range(7 + length, 1))
  local arrow = direction == "h" and "→" or "←"
  frame_tree:set_text(string.format("HCI %s %s (0x%02X) sub 0x%02X req 0x%02X: %s", arrow, module_title,
                                    module_id, sub_id, request_id, summary))
  return string.format("%s %s", arrow, summary)
end

-- Frames in a stream of framing bytes (hci-reference §2.7): returns the Info texts and the offset
-- where an incomplete frame starts (nil when none is left).
local function dissect_stream(data, pinfo, tree)
  local infos, pos, total = {}, 0, data:len()
  while pos < total do
    local start = pos
    while pos < total and data:range(pos, 1):uint() ~= START do pos = pos + 1 end
    if pos > start then
      tree:add(pf_garbage, data:range(start, pos - start))
        :add_proto_expert_info(ef_framing, string.format("%d byte(s) before a start byte", pos - start))
    end
    if pos >= total then break end
    if total - pos < 6 then return infos, pos end
    local size = data:range(pos + 4, 2):uint() + OVERHEAD
    if size > MAX_FRAME then
      tree:add(pf_garbage, data:range(pos, 1))
        :add_proto_expert_info(ef_framing, string.format("frame of %d bytes exceeds %d", size, MAX_FRAME))
      pos = pos + 1
    elseif total - pos < size then
      return infos, pos
    elseif data:range(pos + size - 1, 1):uint() ~= END then
      tree:add(pf_garbage, data:range(pos, 1)):add_proto_expert_info(ef_framing,
        string.format("byte 0x%02X where the end byte C1 belongs", data:range(pos + size - 1, 1):uint()))
      pos = pos + 1
    else
      infos[#infos + 1] = dissect_frame(data:range(pos, size), pinfo, tree)
      pos = pos + size
    end
  end
  return infos, nil
end

function proto.dissector(tvb, pinfo, tree)
  if tvb:len() < 4 then return 0 end
  pinfo.cols.protocol = "WB-HCI"
  local root = tree:add(proto, tvb())
  root:add(pf_control_version, tvb(0, 1))
  root:add(pf_control_type, tvb(1, 1))
  local size = tvb(2, 2):uint()
  local size_item = root:add(pf_control_size, tvb(2, 2))
  local available = math.min(size, tvb:len() - 4)
  if available < size then
    size_item:add_proto_expert_info(ef_framing,
      string.format("size %d exceeds the %d bytes that follow", size, tvb:len() - 4))
  end
  if tvb(0, 1):uint() ~= 0 or tvb(1, 1):uint() ~= 4 then
    root:add_proto_expert_info(ef_framing, "control header is not 00 04 (framing protocol)")
    return 4
  end
  -- The bytes of an incomplete frame at the end of the previous packet of this direction.
  local stream = tostring(pinfo.dl_src) .. ">" .. tostring(pinfo.dl_dst)
  if not pinfo.visited then carried_in[pinfo.number] = pending_bytes[stream] end
  local carried = carried_in[pinfo.number]
  local data
  if carried then
    local joined = ByteArray.new()
    joined:append(carried)
    if available > 0 then joined:append(tvb(4, available):bytes()) end
    data = joined:tvb("Reassembled HCI stream")()
  elseif available > 0 then
    data = tvb(4, available)
  end
  local infos, pending_at = {}, nil
  if data then infos, pending_at = dissect_stream(data, pinfo, root) end
  local frame_count = #infos
  if pending_at then
    root:add(pf_pending, data:range(pending_at, data:len() - pending_at))
    infos[#infos + 1] = "[frame continues in a later packet]"
  end
  if not pinfo.visited then
    pending_bytes[stream] = pending_at and data:range(pending_at, data:len() - pending_at):bytes() or nil
  end
  pinfo.cols.info = generation() .. " " .. table.concat(infos, "; ")
  root:append_text(string.format(", %s, %d HCI frame(s)", generation(), frame_count))
  return 4 + available
end

proto.fields = ALL_FIELDS
DissectorTable.get("ethertype"):add(0x6003, proto)
'''
