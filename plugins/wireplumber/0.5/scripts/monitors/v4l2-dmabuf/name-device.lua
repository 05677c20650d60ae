-- pipewire-v4l2-dmabuf: names a device as WirePlumber 0.5's v4l2 monitor
-- does (device.name v4l2_device.<name, bus id, bus path or index>, unique
-- among the monitor's devices; a description), before create-device.lua.

local mutils = require ("monitor-utils")

SimpleEventHook {
  name = "monitor/v4l2-dmabuf/name-device",
  interests = {
    EventInterest {
      Constraint { "event.type", "=", "create-v4l2-dmabuf-device" },
    },
  },
  execute = function (event)
    local properties = event:get_data ("device-properties")
    local parent = event:get_subject ()
    local id = event:get_data ("device-sub-id")

    -- The plugin already says v4l2_device.<udev ID_PATH or videoN>.
    local base = properties["device.name"] or properties["device.bus-id"] or
        properties["device.bus-path"] or tostring (id)
    base = base:gsub ("^v4l2_device%.", "")
    local name = "v4l2_device." .. base:gsub ("([^%w_%-%.])", "_")

    properties["device.name"] = name
    for counter = 2, 99 do
      if not mutils.find_duplicate (parent, id, "device.name", properties["device.name"]) then
        break
      end
      properties["device.name"] = name .. "." .. counter
    end

    properties["device.description"] = properties["device.description"] or
        properties["device.product.name"] or properties["api.v4l2.cap.card"] or
        "Unknown device"
    properties["library.name"] = "v4l2-dmabuf/libspa-v4l2-dmabuf"

    event:set_data ("device-properties", properties)
  end
}:register ()
