// "Send this page": the phone's own share sheet (Web Share API) where there is one, else a text
// message or an email with the page's clean address (no query string, no #, no tracking).
(function () {
  "use strict";
  var box = document.querySelector("[data-share]");
  if (!box) { return; }
  var canonical = document.querySelector('link[rel="canonical"]');
  var address = canonical ? canonical.href : location.origin + location.pathname.replace(/index\.html$/, "");
  var title = box.dataset.title;
  var button = box.querySelector("[data-share-button]");
  if (typeof navigator.share === "function") {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: title, url: address }).catch(function () { /* the patient closed the sheet */ });
    });
  } else {
    var sms = box.querySelector("[data-share-sms]"), email = box.querySelector("[data-share-email]");
    sms.href = "sms:?&body=" + encodeURIComponent(title + " " + address);
    email.href = "mailto:?subject=" + encodeURIComponent(title) + "&body=" + encodeURIComponent(title + "\n" + address);
    sms.hidden = email.hidden = false;
  }
  box.hidden = false;
})();
