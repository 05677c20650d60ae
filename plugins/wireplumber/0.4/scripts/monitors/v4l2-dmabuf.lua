-- pipewire-v4l2-dmabuf: WirePlumber 0.4 monitor script.
--
-- v4l2-dmabuf.enum.udev (loaded here, in WirePlumber's process) offers
-- one v4l2-dmabuf.device per V4L2 capture node; each device (also in
-- this process, exported to PipeWire) offers one v4l2-dmabuf.source
-- node, which is created in the PipeWire daemon with "spa-node-factory".
-- Every object made here carries library.name: no stock context.spa-libs
-- regex matches v4l2-dmabuf.*, so both daemons load the plugin from it
-- (pw_context_load_spa_handle), without any context.spa-libs entry.
--
-- Arguments (from v4l2_dmabuf_monitor in main.lua.d): properties of the
-- udev object, and rules { matches = ..., apply_properties = ... } applied
-- to devices and nodes; device.disabled / node.disabled skip an object.

local args = ... or {}

local LIBRARY = "v4l2-dmabuf/libspa-v4l2-dmabuf"

-- Each rule's matches become Interest objects once.
local rules = {}
for _, rule in ipairs(args.rules or {}) do
  local interests = {}
  for _, match in ipairs(rule.matches or {}) do
    local constraints = { type = "properties" }
    for _, c in ipairs(match) do
      c.type = "pw"
      constraints[#constraints + 1] = Constraint(c)
    end
    interests[#interests + 1] = Interest(constraints)
  end
  rules[#rules + 1] = { interests = interests, apply = rule.apply_properties or {} }
end

local function applyRules(props)
  for _, rule in ipairs(rules) do
    for _, interest in ipairs(rule.interests) do
      if interest:matches(props) then
        for k, v in pairs(rule.apply) do
          props[k] = v
        end
        break
      end
    end
  end
end

-- A name no other object managed by @parent has yet: NAME, NAME.2, NAME.3 ...
local function uniqueName(parent, id, key, name)
  local taken = {}
  for other = 0, id - 1 do
    local obj = parent:get_managed_object(other)
    if obj and obj.properties[key] then
      taken[obj.properties[key]] = true
    end
  end
  if not taken[name] then
    return name
  end
  local n = 2
  while taken[name .. "." .. n] do
    n = n + 1
  end
  return name .. "." .. n
end

-- The device's node: its properties come from v4l2-dmabuf.device
-- (node.name v4l2_input.*, media.class Video/Source, media.role Camera).
local function createSource(device, id, type, factory, props)
  props["device.id"] = device["bound-id"]
  props["factory.name"] = factory
  props["library.name"] = LIBRARY
  props["node.name"] = uniqueName(device, id, "node.name", props["node.name"] or "v4l2_input")
  -- A camera is not paused when idle (same as the stock monitor).
  props["node.pause-on-idle"] = false
  if props["priority.session"] == nil then
    -- Lower /dev/videoN numbers first: the built-in camera is usually video0.
    local n = tonumber((props["api.v4l2.path"] or ""):match("^/dev/video(%d+)$") or "")
    props["priority.session"] = 1000 - 10 * (n or 90)
    -- A converting node (opt-in, v4l2-dmabuf.convert on the device)
    -- never becomes the default camera before its zero-copy sibling.
    if props["v4l2-dmabuf.io-mode"] == "convert" then
      props["priority.session"] = props["priority.session"] - 5
    end
  end
  applyRules(props)
  -- A device's opt-in (rules match devices and nodes alike); not the node's.
  props["v4l2-dmabuf.convert"] = nil
  if props["node.disabled"] then
    Log.info("v4l2-dmabuf: node " .. props["node.name"] .. " disabled by a rule")
    return
  end
  local node = Node("spa-node-factory", props)
  node:activate(Feature.Proxy.BOUND)
  device:store_managed_object(id, node)
end

local function createDevice(monitor, id, type, factory, props)
  props["device.name"] = uniqueName(monitor, id, "device.name",
    props["device.name"] or ("v4l2_device.video" .. id))
  props["device.description"] = props["device.description"]
    or props["device.product.name"] or props["api.v4l2.path"]
  props["library.name"] = LIBRARY
  applyRules(props)
  if props["device.disabled"] then
    Log.info("v4l2-dmabuf: device " .. props["device.name"] .. " disabled by a rule")
    return
  end
  local device = SpaDevice(factory, props)
  if not device then
    Log.warning("v4l2-dmabuf: cannot create " .. factory .. " for " .. tostring(props["api.v4l2.path"]))
    return
  end
  device:connect("create-object", createSource)
  device:activate(Feature.SpaDevice.ENABLED | Feature.Proxy.BOUND)
  monitor:store_managed_object(id, device)
end

-- Not local: the monitor (and with it every device and node) lives as long
-- as this script; a local would be garbage-collected once the chunk returns.
local monitor_props = { ["library.name"] = LIBRARY }
for k, v in pairs(args.properties or {}) do
  monitor_props[k] = v
end
monitor = SpaDevice("v4l2-dmabuf.enum.udev", monitor_props)
if monitor then
  monitor:connect("create-object", createDevice)
  monitor:activate(Feature.SpaDevice.ENABLED)
else
  Log.warning("v4l2-dmabuf: cannot load v4l2-dmabuf.enum.udev from " .. LIBRARY
    .. " (is the plugin installed in the SPA plugin directory, or on SPA_PLUGIN_DIR?)")
end
