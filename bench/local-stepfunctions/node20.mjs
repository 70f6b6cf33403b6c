// aws-local-stepfunctions 3 is written for Node 22; Node 20 lacks this one function it uses.
// Imported by compare.mjs and dataflow.mjs before aws-local-stepfunctions is.
if (!Promise.withResolvers) {
  Promise.withResolvers = function withResolvers() {
    let resolvePromise;
    let rejectPromise;
    const promise = new Promise((res, rej) => {
      resolvePromise = res;
      rejectPromise = rej;
    });
    return { promise, resolve: resolvePromise, reject: rejectPromise };
  };
}
