-- pipewire-v4l2-dmabuf: names a camera node as WirePlumber 0.5's v4l2
-- monitor does: node.name v4l2_input.<device name> (unique among the
-- device's nodes), a description and nick from the device, no pause on
-- idle, priority.session 1000 - 10 * N for /dev/videoN. A converting node
-- (v4l2-dmabuf.io-mode = convert, the device's opt-in) is named
-- <zero-copy node>.convert, described "(libv4l2 conversion)" and ranks
-- just below its zero-copy sibling, which stays the default camera.

local mutils = require ("monitor-utils")

SimpleEventHook {
  name = "monitor/v4l2-dmabuf/name-node",
  interests = {
    EventInterest {
      Constraint { "event.type", "=", "create-v4l2-dmabuf-device-node" },
    },
  },
  execute = function (event)
    local properties = event:get_data ("node-properties")
    local parent = event:get_subject ()
    local dev_props = parent.properties
    local factory = event:get_data ("factory")
    local id = event:get_data ("node-sub-id")
    local convert = properties["v4l2-dmabuf.io-mode"] == "convert"

    -- required: the device the node belongs to, the SPA factory and library
    properties["device.id"] = parent["bound-id"]
    properties["factory.name"] = factory
    properties["library.name"] = "v4l2-dmabuf/libspa-v4l2-dmabuf"
    properties["node.pause-on-idle"] = false

    local dev_name = dev_props["device.name"] or "v4l2-device"
    local name = ("v4l2_input." .. dev_name:gsub ("^v4l2_device%.", ""))
        :gsub ("([^%w_%-%.])", "_")
    if convert then
      name = name .. ".convert"
    end
    properties["node.name"] = name
    for counter = 2, 99 do
      if not mutils.find_duplicate (parent, id, "node.name", properties["node.name"]) then
        break
      end
      properties["node.name"] = name .. "." .. counter
    end

    local desc = (dev_props["device.description"] or "v4l2-device") ..
        (convert and " (libv4l2 conversion)" or " (V4L2 DMA-BUF)")
    properties["node.description"] = desc:gsub (":", " ")

    local nick = properties["node.nick"] or dev_props["device.product.name"] or
        dev_props["api.v4l2.cap.card"] or dev_props["device.description"] or name
    properties["node.nick"] = nick:gsub (":", " ")

    if not properties["priority.session"] then
      local n = tonumber ((properties["api.v4l2.path"] or ""):match ("^/dev/video(%d+)$") or "")
      local priority = 1000 - 10 * (n or 100)
      if convert then
        priority = priority - 5
      end
      properties["priority.session"] = priority
    end

    event:set_data ("node-properties", properties)
  end
}:register ()
