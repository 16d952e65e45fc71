throw new Error('native binding kindling_fixture.node was built for another Node version');
