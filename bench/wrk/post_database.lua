-- dbaas-mock benchmarks: POST /databases with a unique, valid name per request.
-- Arguments (after `--`): name prefix, datastore id.
local threads = 0
local prefix = "b"
local datastore_id = ""
local counter = 0

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

init = function(args)
  prefix = args[1] or prefix
  datastore_id = args[2] or datastore_id
end

request = function()
  counter = counter + 1
  local body = string.format('{"database":{"datastore_id":"%s","name":"%s_%d_%d"}}',
    datastore_id, prefix, tid or 0, counter)
  return wrk.format("POST", nil, nil, body)
end
