'use strict';
// The compiled addon; storage/data-dir-lock.ts loads this and fails loudly when it is missing.
module.exports = require('./build/Release/dir_lock.node');
