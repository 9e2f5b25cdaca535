console.log('runlog');
