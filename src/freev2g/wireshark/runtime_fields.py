"""Lua runtime, part 1: the field constructors the generated tables call, and the field readers.

Each constructor creates the field's ProtoField (filter name ``freev2g.<struct>.<field>``) and
returns a spec; ``read(spec, ctx, pos, tree, values)`` decodes it following the codec of the same
name in :mod:`freev2g.hci.codecs` (hci-reference §4): big-endian integers, physical values
``sint16 mantissa, sint8 exponent`` shown as their real value, optional fields with a presence
byte, count- or length-prefixed lists, strings and byte arrays. A payload that does not match
raises a fault that names the field, which the message layer reports as malformed.
"""

RUNTIME_FIELDS = r'''
-- ---------------------------------------------------------------------------------------------
-- Field constructors (called by the generated tables below) and readers
-- ---------------------------------------------------------------------------------------------

local ALL_FIELDS = {}

local function register(pf)
  ALL_FIELDS[#ALL_FIELDS + 1] = pf
  return pf
end

-- Fields shared by every message: prefixes, presence bytes, absent fields, flag names.
local pf_count = register(ProtoField.uint16("freev2g.count", "Item count"))
local pf_length = register(ProtoField.uint16("freev2g.length", "Length"))
local pf_presence = register(ProtoField.uint8("freev2g.presence", "Presence", base.DEC,
                                              { [0] = "absent", [1] = "present" }))
local pf_absent = register(ProtoField.string("freev2g.absent", "Absent field"))
local pf_flag = register(ProtoField.string("freev2g.flag", "Flag"))

local UINT = { ProtoField.uint8, ProtoField.uint16, ProtoField.uint24, ProtoField.uint32,
               [8] = ProtoField.uint64 }
local SINT = { ProtoField.int8, ProtoField.int16, ProtoField.int24, ProtoField.int32,
               [8] = ProtoField.int64 }

local function int(abbrev, name, size, signed, lo, hi, unit)
  local make = signed and SINT[size] or UINT[size]
  return { kind = "int", name = name, size = size, signed = signed, lo = lo, hi = hi, unit = unit,
           pf = register(make(abbrev, name)) }
end

local function enum(abbrev, name, size, signed, enum_key)
  local make = signed and SINT[size] or UINT[size]
  return { kind = "enum", name = name, size = size, signed = signed, enum = enum_key,
           pf = register(make(abbrev, name, base.DEC, ENUMS[enum_key])) }
end

local function flags(abbrev, name, size, flag_key)
  return { kind = "flags", name = name, size = size, flags = flag_key,
           pf = register(UINT[size](abbrev, name, base.HEX)) }
end

local function unix_time(abbrev, name)
  return { kind = "unix_time", name = name, pf = register(ProtoField.uint64(abbrev, name)) }
end

local function bool(abbrev, name)
  return { kind = "bool", name = name, pf = register(ProtoField.bool(abbrev, name)) }
end

local function phys(abbrev, name, unit)
  return { kind = "phys", name = name, unit = unit, pf = register(ProtoField.double(abbrev, name)) }
end

local function opt(inner) return { kind = "opt", name = inner.name, inner = inner } end
local function trailing(inner) return { kind = "trailing", name = inner.name, inner = inner } end
local function when(field, values, inner)
  local set = {}
  for _, value in ipairs(values) do set[value] = true end
  return { kind = "when", name = inner.name, field = field, values = set, values_list = values,
           inner = inner }
end

local function blob(abbrev, name, prefix, lo, hi)
  return { kind = "blob", name = name, prefix = prefix, lo = lo, hi = hi,
           pf = register(ProtoField.bytes(abbrev, name)) }
end

local function str(abbrev, name, prefix, lo, hi)
  return { kind = "str", name = name, prefix = prefix, lo = lo, hi = hi,
           pf = register(ProtoField.string(abbrev, name)) }
end

local function fixed(abbrev, name, size)
  return { kind = "fixed", name = name, size = size, pf = register(ProtoField.bytes(abbrev, name)) }
end

local function counted_fixed(abbrev, name, size)
  return { kind = "counted_fixed", name = name, size = size, pf = register(ProtoField.bytes(abbrev, name)) }
end

local function fixed_str(abbrev, name, size)
  return { kind = "fixed_str", name = name, size = size, pf = register(ProtoField.string(abbrev, name)) }
end

local function mac(abbrev, name)
  return { kind = "mac", name = name, pf = register(ProtoField.ether(abbrev, name)) }
end

local function counted_mac(abbrev, name)
  return { kind = "counted_mac", name = name, pf = register(ProtoField.ether(abbrev, name)) }
end

local function ipv4(abbrev, name)
  return { kind = "ipv4", name = name, size = 4, pf = register(ProtoField.ipv4(abbrev, name)) }
end

local function ipv6(abbrev, name)
  return { kind = "ipv6", name = name, size = 16, pf = register(ProtoField.ipv6(abbrev, name)) }
end

local function rest(abbrev, name, lo, hi)
  return { kind = "rest", name = name, lo = lo, hi = hi, pf = register(ProtoField.bytes(abbrev, name)) }
end

local function list(abbrev, name, count, lo, hi, item)
  return { kind = "list", name = name, count = count, lo = lo, hi = hi, item = item,
           pf = register(ProtoField.none(abbrev, name)) }
end

local function record(abbrev, name, struct_key)
  return { kind = "record", name = name, struct = struct_key, pf = register(ProtoField.none(abbrev, name)) }
end

local function tagged(abbrev, name, tag_name, tag_abbrev, tag_size, enum_key, cases)
  return { kind = "tagged", name = name, tag_name = tag_name, size = tag_size, enum = enum_key,
           cases = cases, pf = register(ProtoField.none(abbrev, name)),
           tag_pf = register(UINT[tag_size](tag_abbrev, tag_name, base.DEC, enum_key and ENUMS[enum_key])) }
end

local function tariff_section(abbrev, name, fixed_key, counted_key)
  return { kind = "tariff_section", name = name, fixed = fixed_key, counted = counted_key,
           pf = register(ProtoField.none(abbrev, name)) }
end

-- Faults: a table so that a real Lua error (a bug) is told apart and shown as such.
local function fault(text) error({ hci_fault = text, path = "" }, 0) end

local function need(ctx, pos, size)
  if pos + size > ctx.len then
    fault(string.format("needs %d byte(s) at offset %d, payload has %d", size, pos, ctx.len))
  end
end

-- The bytes pos .. pos+count-1, or nil for an empty field (Wireshark refuses an empty range at
-- the end of a buffer).
local function span(ctx, pos, count)
  if count == 0 then return nil end
  return ctx.buf:range(pos, count)
end

-- Adds an item unless this is a dry run (tree == nil), then labels it "name: text".
local function add(tree, pf, range, value, label)
  if tree == nil then return nil end
  local item
  if range == nil then item = tree:add(pf, value or "")
  elseif value == nil then item = tree:add(pf, range)
  else item = tree:add(pf, range, value) end
  if label then item:set_text(label) end
  return item
end

local function add_absent(tree, range, name, why)
  if tree == nil then return end
  local label = name .. ": absent" .. (why and (" (" .. why .. ")") or "")
  if range then tree:add(pf_absent, range, name):set_text(label)
  else tree:add(pf_absent, name):set_text(label):set_generated() end
end

local function with_unit(text, unit) return unit and (text .. " " .. unit) or text end

local function read_uint(ctx, pos, size, signed)
  need(ctx, pos, size)
  local range = ctx.buf:range(pos, size)
  if size == 8 then return (signed and range:int64() or range:uint64()), range end
  return (signed and range:int() or range:uint()), range
end

-- Physical value (hci-reference §4): m * 10^e, divided for negative exponents like the Python decoder.
local function phys_value(mantissa, exponent)
  if exponent >= 0 then return mantissa * 10 ^ exponent end
  return mantissa / 10 ^ (-exponent)
end

local function format_number(value)
  if value == math.floor(value) and math.abs(value) < 1e15 then return string.format("%d", value) end
  return string.format("%.15g", value)
end

local read, decode_struct

local readers = {}

function readers.int(spec, ctx, pos, tree, label)
  local value, range = read_uint(ctx, pos, spec.size, spec.signed)
  if spec.lo and (value < spec.lo or value > spec.hi) then
    fault(string.format("%s is outside %d..%d", tostring(value), spec.lo, spec.hi))
  end
  local text = label .. ": " .. with_unit(tostring(value), spec.unit)
  return value, pos + spec.size, add(tree, spec.pf, range, value, text)
end

function readers.enum(spec, ctx, pos, tree, label)
  local value, range = read_uint(ctx, pos, spec.size, spec.signed)
  local member = ENUMS[spec.enum][value]
  if member == nil then fault(string.format("%d is not a %s", value, spec.enum)) end
  local text = string.format("%s: %s (%d)", label, member, value)
  return value, pos + spec.size, add(tree, spec.pf, range, value, text)
end

function readers.flags(spec, ctx, pos, tree, label)
  local value, range = read_uint(ctx, pos, spec.size, false)
  local names, rest_bits = {}, value
  for _, entry in ipairs(spec.flags and FLAG_SETS[spec.flags] or {}) do
    local bit_value, bit_name = entry[1], entry[2]
    if math.floor(value / bit_value) % 2 == 1 then
      names[#names + 1] = bit_name
      if math.floor(rest_bits / bit_value) % 2 == 1 then rest_bits = rest_bits - bit_value end
    end
  end
  if rest_bits ~= 0 then names[#names + 1] = string.format("0x%X", rest_bits) end
  local text = string.format("%s: %s (0x%0" .. (spec.size * 2) .. "X)", label,
                             #names > 0 and table.concat(names, "|") or "none", value)
  local item = add(tree, spec.pf, range, value, text)
  if item then for _, flag_name in ipairs(names) do item:add(pf_flag, range, flag_name) end end
  return value, pos + spec.size, item
end

function readers.unix_time(spec, ctx, pos, tree, label)
  local value, range = read_uint(ctx, pos, 8, false)
  local seconds = value:tonumber()
  local text = tostring(value) .. " s"  -- beyond the dates os.date can show, as the Python codec does
  local ok, stamp = pcall(os.date, "!%Y-%m-%dT%H:%M:%SZ", seconds)
  if seconds == 0 then text = "0 (not set)"
  elseif ok and stamp and seconds < 253402300800 then text = stamp .. " (" .. tostring(value) .. " s)" end
  return value, pos + 8, add(tree, spec.pf, range, value, label .. ": " .. text)
end

function readers.bool(spec, ctx, pos, tree, label)
  need(ctx, pos, 1)
  local range = ctx.buf:range(pos, 1)
  local byte = range:uint()
  if byte > 1 then fault(string.format("boolean byte 0x%02X is neither 0x00 nor 0x01", byte)) end
  return byte == 1, pos + 1, add(tree, spec.pf, range, byte == 1, label .. ": " .. tostring(byte == 1))
end

function readers.phys(spec, ctx, pos, tree, label)
  need(ctx, pos, 3)
  local mantissa, exponent = ctx.buf:range(pos, 2):int(), ctx.buf:range(pos + 2, 1):int()
  local value = phys_value(mantissa, exponent)
  local text = string.format("%s: %s (%d × 10^%d)", label, with_unit(format_number(value), spec.unit),
                             mantissa, exponent)
  return value, pos + 3, add(tree, spec.pf, ctx.buf:range(pos, 3), value, text)
end

function readers.opt(spec, ctx, pos, tree, label, values)
  need(ctx, pos, 1)
  local range = ctx.buf:range(pos, 1)
  local flag = range:uint()
  if flag > 1 then fault(string.format("presence byte 0x%02X is neither 0x00 nor 0x01", flag)) end
  if flag == 0 then
    add_absent(tree, range, label)
    return nil, pos + 1, nil
  end
  local value, next_pos, item = read(spec.inner, ctx, pos + 1, tree, label, values)
  if item then item:add(pf_presence, range) end
  return value, next_pos, item
end

local function truthy(value)
  if value == true then return 1 elseif value == false then return 0 end
  return value
end

function readers.when(spec, ctx, pos, tree, label, values)
  if not spec.values[truthy(values[spec.field])] then
    add_absent(tree, nil, label, spec.field .. " is not " .. table.concat(spec.values_list, " or "))
    return nil, pos, nil
  end
  return read(spec.inner, ctx, pos, tree, label, values)
end

function readers.trailing(spec, ctx, pos, tree, label, values)
  if pos >= ctx.len then
    add_absent(tree, nil, label, "not sent by this firmware")
    return nil, pos, nil
  end
  return read(spec.inner, ctx, pos, tree, label, values)
end

local function read_length(ctx, pos, prefix, lo, hi, tree)
  local count, range = read_uint(ctx, pos, prefix, false)
  if count < lo or count > hi then fault(string.format("length %d is outside %d..%d", count, lo, hi)) end
  need(ctx, pos + prefix, count)
  return count, range
end

-- Well-formed UTF-8 (Unicode table 3-7), which Python's strict decoder also demands.
local function is_utf8(text)
  local index, length = 1, #text
  local function continuation(at, lo, hi)
    local byte = text:byte(at)
    return byte ~= nil and byte >= (lo or 0x80) and byte <= (hi or 0xBF)
  end
  while index <= length do
    local lead = text:byte(index)
    local size, lo, hi = 1, nil, nil
    if lead <= 0x7F then size = 1
    elseif lead >= 0xC2 and lead <= 0xDF then size = 2
    elseif lead == 0xE0 then size, lo = 3, 0xA0
    elseif lead == 0xED then size, hi = 3, 0x9F
    elseif lead >= 0xE1 and lead <= 0xEF then size = 3
    elseif lead == 0xF0 then size, lo = 4, 0x90
    elseif lead == 0xF4 then size, hi = 4, 0x8F
    elseif lead >= 0xF1 and lead <= 0xF3 then size = 4
    else return false end
    for offset = 1, size - 1 do
      if not continuation(index + offset, offset == 1 and lo or nil, offset == 1 and hi or nil) then
        return false
      end
    end
    index = index + size
  end
  return true
end

local function check_utf8(text, what)
  if not is_utf8(text) then fault(what .. " bytes are not UTF-8") end
  return text
end

local function bytes_label(label, count)
  return string.format("%s: %d byte(s)", label, count)
end

function readers.blob(spec, ctx, pos, tree, label)
  local count, length_range = read_length(ctx, pos, spec.prefix, spec.lo, spec.hi)
  local range = span(ctx, pos + spec.prefix, count)
  local item = add(tree, spec.pf, range, nil, bytes_label(label, count))
  if item then item:add(pf_length, length_range) end
  return range and range:bytes() or "", pos + spec.prefix + count, item
end

function readers.str(spec, ctx, pos, tree, label)
  local count, length_range = read_length(ctx, pos, spec.prefix, spec.lo, spec.hi)
  local range = span(ctx, pos + spec.prefix, count)
  local text = check_utf8(range and range:raw() or "", "string")
  local item = add(tree, spec.pf, range, text, string.format("%s: %q", label, text))
  if item then item:add(pf_length, length_range) end
  return text, pos + spec.prefix + count, item
end

function readers.fixed(spec, ctx, pos, tree, label)
  need(ctx, pos, spec.size)
  local range = ctx.buf:range(pos, spec.size)
  local text = label .. ": " .. tostring(range:bytes()):lower()
  return range:bytes(), pos + spec.size, add(tree, spec.pf, range, nil, text)
end

function readers.counted_fixed(spec, ctx, pos, tree, label)
  local count, count_range = read_uint(ctx, pos, 1, false)
  if count ~= spec.size then fault(string.format("count byte %d where %d was expected", count, spec.size)) end
  local value, next_pos, item = readers.fixed(spec, ctx, pos + 1, tree, label)
  if item then item:add(pf_length, count_range) end
  return value, next_pos, item
end

function readers.fixed_str(spec, ctx, pos, tree, label)
  need(ctx, pos, spec.size)
  local range = ctx.buf:range(pos, spec.size)
  local text = check_utf8((range:raw():gsub("%z+$", "")), "text")
  return text, pos + spec.size, add(tree, spec.pf, range, text, string.format("%s: %q", label, text))
end

local function add_address(spec, ctx, pos, size, tree, label)
  need(ctx, pos, size)
  local range = ctx.buf:range(pos, size)
  local item = add(tree, spec.pf, range)
  if item then item:prepend_text(label .. ": ") end
  return range:bytes(), pos + size, item
end

function readers.mac(spec, ctx, pos, tree, label) return add_address(spec, ctx, pos, 6, tree, label) end
function readers.ipv4(spec, ctx, pos, tree, label) return add_address(spec, ctx, pos, 4, tree, label) end
function readers.ipv6(spec, ctx, pos, tree, label) return add_address(spec, ctx, pos, 16, tree, label) end

-- Get MAC Address (hci-reference §9.9): a count byte 06 may precede the six bytes.
function readers.counted_mac(spec, ctx, pos, tree, label)
  if ctx.len - pos == 7 and ctx.buf:range(pos, 1):uint() == 6 then pos = pos + 1 end
  return add_address(spec, ctx, pos, 6, tree, label)
end

function readers.rest(spec, ctx, pos, tree, label)
  local count = ctx.len - pos
  if count < spec.lo or count > spec.hi then
    fault(string.format("%d remaining bytes is outside %d..%d", count, spec.lo, spec.hi))
  end
  local range = span(ctx, pos, count)
  return range and range:bytes() or "", ctx.len, add(tree, spec.pf, range, nil, bytes_label(label, count))
end

-- A container item spanning from pos to wherever its content ends (set_len afterwards).
local function container(tree, spec, ctx, pos, label)
  if tree == nil then return nil end
  local range = span(ctx, pos, ctx.len - pos)
  return (range and tree:add(spec.pf, range) or tree:add(spec.pf)):set_text(label)
end

local function close(item, start, pos, suffix)
  if item then
    if pos > start then item:set_len(pos - start) end
    if suffix then item:append_text(suffix) end
  end
end

function readers.list(spec, ctx, pos, tree, label, values)
  local item, start = container(tree, spec, ctx, pos, label), pos
  local count
  if spec.count then
    local count_range
    count, count_range = read_uint(ctx, pos, spec.count, false)
    if count < spec.lo or count > spec.hi then
      fault(string.format("count %d is outside %d..%d", count, spec.lo, spec.hi))
    end
    if item then item:add(pf_count, count_range) end
    pos = pos + spec.count
  end
  local items = {}
  local index = 0
  while (count and index < count) or (not count and pos < ctx.len) do
    local ok, value, next_pos = pcall(read, spec.item, ctx, pos, item, string.format("[%d]", index), values)
    if not ok then
      if type(value) == "table" then value.path = string.format("[%d]", index) .. value.path end
      error(value, 0)
    end
    items[#items + 1], pos, index = value, next_pos, index + 1
  end
  if not count and (index < spec.lo or index > spec.hi) then
    fault(string.format("%d items is outside %d..%d", index, spec.lo, spec.hi))
  end
  close(item, start, pos, string.format(": %d item(s)", index))
  return items, pos, item
end

function readers.record(spec, ctx, pos, tree, label)
  local item, start = container(tree, spec, ctx, pos, label), pos
  local value
  value, pos = decode_struct(spec.struct, ctx, pos, item)
  close(item, start, pos)
  return value, pos, item
end

function readers.tagged(spec, ctx, pos, tree, label)
  local item, start = container(tree, spec, ctx, pos, label), pos
  local tag, range = read_uint(ctx, pos, spec.size, false)
  local struct_key = spec.cases[tag]
  if struct_key == nil then
    fault(string.format("%s %d is none of the declared cases", spec.tag_name, tag))
  end
  local tag_name = spec.enum and ENUMS[spec.enum][tag]
  local tag_label = string.format("%s: %d", spec.tag_name, tag)
  if tag_name then tag_label = string.format("%s: %s (%d)", spec.tag_name, tag_name, tag) end
  add(item, spec.tag_pf, range, tag, tag_label)
  local value
  value, pos = decode_struct(struct_key, ctx, pos + spec.size, item)
  close(item, start, pos, spec.enum and (" (" .. (ENUMS[spec.enum][tag] or "?") .. ")") or "")
  return value, pos, item
end

-- Set Schedules' sales tariffs (v2, p148-p149): the count byte is the presence byte; the manual's
-- fixed digests and signature, or FreeV2G's counted ones, whichever ends the payload exactly.
function readers.tariff_section(spec, ctx, pos, tree, label)
  need(ctx, pos, 1)
  if ctx.buf:range(pos, 1):uint() == 0 then
    add_absent(tree, ctx.buf:range(pos, 1), label)
    return nil, pos + 1, nil
  end
  local fixed_ok, fixed_result, fixed_end = pcall(decode_struct, spec.fixed, ctx, pos, nil)
  local chosen = spec.fixed
  if not (fixed_ok and fixed_end == ctx.len) then
    local counted_ok, _, counted_end = pcall(decode_struct, spec.counted, ctx, pos, nil)
    if counted_ok and counted_end == ctx.len then chosen = spec.counted
    elseif not fixed_ok then error(fixed_result, 0) end
  end
  local item, start = container(tree, spec, ctx, pos, label), pos
  local value
  value, pos = decode_struct(chosen, ctx, pos, item)
  close(item, start, pos, chosen == spec.counted and " (FreeV2G form with count bytes)" or "")
  return value, pos, item
end

function read(spec, ctx, pos, tree, label, values)
  return readers[spec.kind](spec, ctx, pos, tree, label or spec.name, values)
end

-- Decodes the fields of one struct; its own values table serves the "when" conditions.
function decode_struct(struct_key, ctx, pos, tree)
  local values = {}
  for _, spec in ipairs(STRUCTS[struct_key]) do
    local ok, value, next_pos = pcall(read, spec, ctx, pos, tree, spec.name, values)
    if not ok then
      if type(value) == "table" then
        local separator = (value.path ~= "" and value.path:sub(1, 1) ~= "[") and "." or ""
        value.path = spec.name .. separator .. value.path
      end
      error(value, 0)
    end
    values[spec.name], pos = value, next_pos
  end
  return values, pos
end
'''
