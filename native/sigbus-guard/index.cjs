'use strict';
// The compiled addon; storage/fault-guard.ts loads this and fails loudly when it is missing.
module.exports = require('./build/Release/sigbus_guard.node');
