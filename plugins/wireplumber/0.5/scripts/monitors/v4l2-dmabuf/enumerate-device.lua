-- pipewire-v4l2-dmabuf: the camera monitor for WirePlumber 0.5 (feature
-- monitor.v4l2-dmabuf, wireplumber.conf.d/50-v4l2-dmabuf.conf).
--
-- v4l2-dmabuf.enum.udev, loaded in WirePlumber's process, offers one
-- v4l2-dmabuf.device per V4L2 capture node (single- or multi-planar); each
-- becomes a "create-v4l2-dmabuf-device" event, which name-device.lua and
-- create-device.lua handle. Same shape as WirePlumber's own v4l2 monitor,
-- with event types of its own, so the two never handle each other's objects.
--
-- library.name on every object: no stock context.spa-libs regex matches
-- v4l2-dmabuf.*, so pw_context_load_spa_handle falls back to it, in
-- WirePlumber and in PipeWire; no context.spa-libs entry is needed.

local log = Log.open_topic ("s-monitors-v4l2-dmabuf")

local LIBRARY = "v4l2-dmabuf/libspa-v4l2-dmabuf"

-- monitor.v4l2-dmabuf.properties, e.g. v4l2-dmabuf.udev.events = kernel
-- where no udevd runs. SPA-JSON values become strings.
local function monitorProperties ()
  local props = {}
  local json = Conf.get_section_as_json ("monitor.v4l2-dmabuf.properties", Json.Object {})
  for k, v in pairs (json:parse ()) do
    props[k] = tostring (v)
  end
  props["library.name"] = LIBRARY
  return props
end

local function createDevice (parent, id, type, factory, properties)
  local source = Plugin.find ("standard-event-source")
  local e = source:call ("create-event", "create-v4l2-dmabuf-device", parent, nil)
  e:set_data ("device-properties", properties)
  e:set_data ("factory", factory)
  e:set_data ("device-sub-id", id)
  EventDispatcher.push_event (e)
end

-- Global: the monitor (and with it every device and node) lives as long as
-- this script.
monitor = SpaDevice ("v4l2-dmabuf.enum.udev", monitorProperties ())
if monitor then
  monitor:connect ("create-object", createDevice)
  monitor:activate (Feature.SpaDevice.ENABLED)
else
  log:warning ("cannot load v4l2-dmabuf.enum.udev from " .. LIBRARY ..
      " (is the plugin in the SPA plugin directory, or on SPA_PLUGIN_DIR?)")
end
