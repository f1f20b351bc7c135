/* confdefs.h */
#define PACKAGE_NAME "logmedic"
#define PACKAGE_TARNAME "logmedic"
#define PACKAGE_VERSION "0.1.0"
#define PACKAGE_STRING "logmedic 0.1.0"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
#define PACKAGE "logmedic"
#define VERSION "0.1.0"
